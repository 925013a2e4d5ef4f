package io.github.etcddiscovery.discovery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorState;

/**
 * What the {@link EtcdDiscoveryCache} holds in memory and how it follows etcd, one
 * implementation per {@code spring.cloud.etcd.discovery.watch} mode: {@link FullView}, one
 * mirror of the whole prefix, or {@link ServiceWatches}, one mirror per service looked up.
 * The cache's readers (health, metrics, the actuator, the load balancer) see the same
 * contract either way.
 */
interface HeldView extends AutoCloseable {

	/**
	 * Starts what needs etcd in the background and returns at once: {@link #start()} then
	 * waits for it. Nothing by default.
	 */
	default void begin() {
	}

	/**
	 * Starts following etcd, waiting at most about the request timeout (less what passed
	 * since {@link #begin()}).
	 * @throws io.github.etcddiscovery.client.EtcdAccessException when etcd refuses to let this
	 * user read the prefix
	 */
	void start();

	@Override
	void close();

	/**
	 * The instances of a service, starting to hold it if it is not held yet (waiting at most
	 * the request timeout for its first listing, so that the first answer is not empty).
	 */
	ServiceInstances lookup(String serviceId);

	/**
	 * {@link #lookup} without blocking the caller: at once when the service is held, otherwise
	 * once its first listing is in or the request timeout passed (then empty), waited for on a
	 * thread of the view's own. By default, the lookup itself.
	 */
	default CompletionStage<ServiceInstances> lookupLater(String serviceId) {
		return CompletableFuture.completedFuture(lookup(serviceId));
	}

	/** What is held for a service, from memory only: not a use, never starts holding it. */
	ServiceInstances peek(String serviceId);

	/** The subscribers of the service's pushed lists, which keep it held; by default nothing is released. */
	default ServiceUse use(String serviceId) {
		return ServiceUse.NEVER_RELEASED;
	}

	/** Whether a lookup of the service is a read of memory. */
	boolean holds(String serviceId);

	/** The instances held for a service, from memory only; empty when it is not held. */
	List<EtcdServiceInstance> instances(String serviceId);

	/** Ids of the services held that have at least one instance. */
	List<String> services();

	/** Ids of every service under the prefix, which may ask etcd. */
	List<String> listServices();

	/** How what is held follows etcd, all of it at one moment. */
	MirrorState state();

	/** Completes with a revision once etcd first answered for the view. */
	CompletionStage<Long> firstLoaded();

	/** Test hook: forgets the watches as if their events were lost, without listing again. */
	void dropWatchForTest();

}
