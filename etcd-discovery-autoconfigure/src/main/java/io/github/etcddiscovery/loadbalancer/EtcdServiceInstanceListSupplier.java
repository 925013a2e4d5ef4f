package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.ServiceChangeListener;
import io.github.etcddiscovery.discovery.ServiceInstances;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The UP instances of one service, pushed from the {@link EtcdDiscoveryCache}: a subscriber
 * gets the current list at once and a new list after every change of that service, for as
 * long as it stays subscribed. Nothing is polled and nothing is cached on top of the cache,
 * so a load balancer sees a change as soon as the watch delivers it.
 * <p>
 * One change waits: when every instance of the service vanishes from etcd at once (keys
 * deleted, leases expired), the last list stays for {@link #VANISHED_GRACE} before an empty
 * one follows, and any instance that appears meanwhile ends the wait. An etcd that was down
 * or frozen for longer than the TTL expires every lease the moment it is back, and the
 * instances, which kept serving, register again within moments: without the wait, callers
 * would have no instance at all in between. An instance that is still registered but not
 * {@code UP} (an operator's {@code OUT_OF_SERVICE}) leaves at once, as does any instance
 * while others remain.
 *
 * <p>
 * In a load balancer configuration of your own, use it as the base of the standard chain:
 * {@code ServiceInstanceListSupplier.builder().withBase(EtcdServiceInstanceListSupplier.of(context)).withHints().build(context)}.
 */
public class EtcdServiceInstanceListSupplier implements ServiceInstanceListSupplier, DisposableBean {

	/**
	 * How long callers keep the last instances of a service that all vanished from etcd:
	 * longer than an instance takes to register again once etcd answers (a retry backs off
	 * at most 1.5 s). A service that is really gone fails its calls either way.
	 */
	static final Duration VANISHED_GRACE = Duration.ofSeconds(3);

	private final String serviceId;

	private final String canonicalId;

	private final EtcdDiscoveryCache cache;

	/**
	 * Pushes each new list to the subscribers that stay (a health check, a cache), off the
	 * cache's thread; a load balancer that subscribes per request starts from {@link #current}.
	 */
	private final Sinks.Many<Numbered> pushes = Sinks.many().replay().latest();

	private final ServiceChangeListener listener = this::servicesChanged;

	/**
	 * What a subscriber gets: the newest list, set on the cache's thread as the change is
	 * applied, then every later push. Rebuilt once per change, so that a subscription per
	 * request assembles nothing.
	 */
	private volatile @Nullable Flux<List<ServiceInstance>> current;

	// Guarded by this: the newest list and the wait for an empty one.

	/** Null until the first refresh, which always sets one: subscribers must never wait for a first list. */
	private @Nullable Numbered latest;

	/** The empty list due once {@link #VANISHED_GRACE} has passed, unless an instance comes. */
	private @Nullable Disposable pendingEmpty;

	// Guarded by pushing: emissions are serial, and in the order of the lists.

	private final Object pushing = new Object();

	private long pushed;

	public EtcdServiceInstanceListSupplier(String serviceId, EtcdDiscoveryCache cache) {
		this.serviceId = serviceId;
		this.canonicalId = EtcdDiscoveryCache.canonical(serviceId);
		this.cache = cache;
		// Listen first, then read: a change in between is read twice, never missed. With
		// watch=per-service, this first read starts watching the service (waiting for its
		// first listing).
		cache.addListener(this.listener);
		refresh();
		push();
	}

	/**
	 * The supplier for the load-balanced client whose child context this is.
	 */
	public static EtcdServiceInstanceListSupplier of(ConfigurableApplicationContext context) {
		String serviceId = context.getEnvironment().getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		return new EtcdServiceInstanceListSupplier(serviceId, context.getBean(EtcdDiscoveryCache.class));
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		Flux<List<ServiceInstance>> flux = this.current;
		return (flux != null) ? flux : Flux.empty();
	}

	private void servicesChanged(Set<String> serviceIds) {
		if (serviceIds.contains(this.canonicalId) && refresh()) {
			// The newest list is already what a new subscription starts from. The subscribers
			// that stay get it off the cache's thread: none of them (a blocking health check,
			// say) may hold the watch up.
			Schedulers.boundedElastic().schedule(this::push);
		}
	}

	/**
	 * Reads the cache and makes what it holds the newest list, unless it is the same list:
	 * quick, no subscriber's code runs. Reading under the lock means that whichever refresh
	 * runs last sets the newest view.
	 * @return whether the newest list changed
	 */
	private synchronized boolean refresh() {
		ServiceInstances now = this.cache.lookup(this.serviceId);
		if (now.isEmpty() && this.latest != null && !this.latest.list().isEmpty()) {
			if (this.pendingEmpty == null) {
				this.pendingEmpty = Schedulers.parallel()
					.schedule(this::emptyAfterGrace, VANISHED_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
			return false;
		}
		cancelPendingEmpty();
		return set(now.up());
	}

	private void emptyAfterGrace() {
		boolean changed;
		synchronized (this) {
			this.pendingEmpty = null;
			changed = this.cache.lookup(this.serviceId).isEmpty() && set(List.of());
		}
		if (changed) {
			push();
		}
	}

	private boolean set(List<ServiceInstance> up) {
		if (this.latest != null && up.equals(this.latest.list())) {
			return false;
		}
		Numbered next = new Numbered((this.latest != null) ? this.latest.number() + 1 : 1, up);
		this.latest = next;
		this.current = Flux.concat(Mono.just(up),
				this.pushes.asFlux().filter((pushed) -> pushed.number() > next.number()).map(Numbered::list));
		return true;
	}

	/** Emits the newest list to the subscribers that stay, unless it went out already. */
	private void push() {
		synchronized (this.pushing) {
			Numbered newest;
			synchronized (this) {
				newest = this.latest;
			}
			if (newest != null && newest.number() > this.pushed) {
				this.pushed = newest.number();
				this.pushes.tryEmitNext(newest);
			}
		}
	}

	private void cancelPendingEmpty() {
		if (this.pendingEmpty != null) {
			this.pendingEmpty.dispose();
			this.pendingEmpty = null;
		}
	}

	/** A list and its place in the order of lists. */
	private record Numbered(long number, List<ServiceInstance> list) {
	}

	@Override
	public void destroy() {
		this.cache.removeListener(this.listener);
		synchronized (this) {
			cancelPendingEmpty();
		}
		synchronized (this.pushing) {
			this.pushes.tryEmitComplete();
		}
	}

	@Override
	public String toString() {
		return "EtcdServiceInstanceListSupplier{" + this.serviceId + "}";
	}

}
