package io.github.etcddiscovery.discovery;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Answers from the {@link EtcdDiscoveryCache}: each lookup is a map read of answers the cache
 * built when the service last changed; none touches the network, except the first of each
 * service with {@code watch=per-service}, which starts its watch.
 */
public class EtcdDiscoveryClient implements DiscoveryClient {

	private final EtcdDiscoveryCache cache;

	private final EtcdDiscoveryProperties properties;

	public EtcdDiscoveryClient(EtcdDiscoveryCache cache, EtcdDiscoveryProperties properties) {
		this.cache = cache;
		this.properties = properties;
	}

	@Override
	public String description() {
		return "etcd discovery client";
	}

	/**
	 * Instances of the service, matched ignoring case; only those whose status is UP unless
	 * {@code include-not-up-instances} is set.
	 */
	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.cache.lookup(serviceId).answer(this.properties.isIncludeNotUpInstances());
	}

	/**
	 * Every service with at least one instance: from memory with {@code watch=all}; with
	 * {@code per-service}, a keys-only read of the prefix (the services held when etcd does
	 * not answer).
	 */
	@Override
	public List<String> getServices() {
		return this.cache.listServices();
	}

	/**
	 * {@link #getInstances} for a caller that must not block: at once when the service is held,
	 * else once its first listing is in, waited for on a thread of the cache's own (see
	 * {@link EtcdDiscoveryCache#lookupLater}).
	 */
	CompletionStage<List<ServiceInstance>> getInstancesLater(String serviceId) {
		return this.cache.lookupLater(serviceId)
			.thenApply((instances) -> instances.answer(this.properties.isIncludeNotUpInstances()));
	}

	/** Whether {@link #getInstances} of the service answers from memory, without waiting. */
	boolean answersFromMemory(String serviceId) {
		return this.cache.holds(serviceId);
	}

	/** Whether {@link #getServices} answers from memory, without asking etcd. */
	boolean listsFromMemory() {
		return this.cache.mode() == EtcdDiscoveryProperties.Watch.ALL;
	}

	/**
	 * Always passes: lookups answer from memory, with the last known view while etcd is
	 * unreachable, so the client works. An outage is reported by {@code /actuator/health/etcd};
	 * failing here would make {@code discoveryComposite}, and with it the application's
	 * status, DOWN for a registry outage.
	 */
	@Override
	public void probe() {
	}

	@Override
	public int getOrder() {
		return this.properties.getOrder();
	}

}
