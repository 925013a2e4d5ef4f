package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.ServiceChangeListener;
import io.github.etcddiscovery.discovery.ServiceInstances;
import io.github.etcddiscovery.discovery.ServiceUse;
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
 * <p>
 * With {@code watch=per-service}, nothing here blocks the thread that creates or subscribes
 * to it (a Netty or reactor thread, for a reactive client): the first read of a service not
 * held yet waits for its first listing on a thread of the cache's own, and the first list is
 * emitted when it is in (an empty one after the request timeout, as a first lookup answers).
 * A subscriber keeps the service held, and each subscription counts as a use of it
 * ({@code release-unused-after}); when the service was released between two subscriptions,
 * the next one reads it again, the same way, before it gets a list.
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

	/**
	 * The same pushes without their numbers: what a subscriber gets while every list has been
	 * pushed, the common case, at the cost of one subscription to a replaying sink.
	 */
	private final Sinks.Many<List<ServiceInstance>> pushedLists = Sinks.many().replay().latest();

	private final ServiceChangeListener listener = this::servicesChanged;

	/** The subscribers of this service's lists, which keep it held ({@code watch=per-service}). */
	private final ServiceUse use;

	/** The service's releases counted when it was last read: another count means it was released since. */
	private volatile int releasesRead;

	/**
	 * What a subscriber gets: the newest list, set on the cache's thread as the change is
	 * applied, then every later push. Rebuilt once per change, so that a subscription per
	 * request assembles nothing. Null until the service is first read.
	 */
	private volatile @Nullable Flux<List<ServiceInstance>> current;

	/** Whether the newest list is not pushed yet: then a subscriber starts from {@link #current}. */
	private volatile boolean behind = true;

	// Guarded by this: the newest list and the wait for an empty one.

	/** Null until the first refresh, which always sets one: subscribers must never wait for more. */
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
		this.use = cache.use(serviceId);
		// Listen first, then read: a change in between is read twice, never missed. With
		// watch=per-service, a service not held yet is read once its first listing is in.
		cache.addListener(this.listener);
		if (cache.holds(serviceId)) {
			refreshAndPush();
		}
		else {
			readWhenHeld();
		}
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
		return (this.use == ServiceUse.NEVER_RELEASED) ? lists() : Flux.defer(this::subscription);
	}

	/**
	 * The newest list and the later pushes: the pushed lists when the newest is among them,
	 * else {@link #current}; before the first read, the first push.
	 */
	private Flux<List<ServiceInstance>> lists() {
		Flux<List<ServiceInstance>> flux = this.current;
		return (!this.behind || flux == null) ? this.pushedLists.asFlux() : flux;
	}

	/**
	 * One subscriber, which keeps the service held until it leaves: it gets the newest list,
	 * read again first when the service was released since the last read (or is not held yet).
	 * The subscriber is counted before the check, and a release marks the service not held
	 * before it looks for subscribers, so one of the two always sees the other.
	 */
	private Flux<List<ServiceInstance>> subscription() {
		this.use.subscribed();
		Flux<List<ServiceInstance>> lists = Flux.defer(this::lists);
		if (this.use.releases() != this.releasesRead || !this.cache.holds(this.serviceId)) {
			lists = Mono.fromCompletionStage(readWhenHeld()).thenMany(lists);
		}
		return lists.doFinally((signal) -> this.use.unsubscribed());
	}

	/**
	 * Reads the service once it is held, without blocking the caller: at once when it is,
	 * otherwise on the cache's thread once its first listing is in (or the request timeout
	 * passed).
	 */
	private CompletionStage<Void> readWhenHeld() {
		int releases = this.use.releases();
		return this.cache.lookupLater(this.serviceId).thenRun(() -> {
			this.releasesRead = releases;
			refreshAndPush();
		});
	}

	private void servicesChanged(Set<String> serviceIds) {
		if (serviceIds.contains(this.canonicalId) && refresh()) {
			// The newest list is already what a new subscription starts from. The subscribers
			// that stay get it off the cache's thread: none of them (a blocking health check,
			// say) may hold the watch up.
			Schedulers.boundedElastic().schedule(this::push);
		}
	}

	private void refreshAndPush() {
		if (refresh()) {
			push();
		}
	}

	/**
	 * Reads the cache and makes what it holds the newest list, unless it is the same list:
	 * quick, no subscriber's code runs. Reading under the lock means that whichever refresh
	 * runs last sets the newest view. A read of memory only: it never starts a watch, and is
	 * not a use that keeps the service held.
	 * @return whether the newest list changed
	 */
	private synchronized boolean refresh() {
		if (!this.cache.holds(this.serviceId)) {
			// Released: the next subscriber reads it again (readWhenHeld).
			return false;
		}
		ServiceInstances now = this.cache.peek(this.serviceId);
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
			changed = this.cache.holds(this.serviceId) && this.cache.peek(this.serviceId).isEmpty()
					&& set(List.of());
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
		this.behind = true;
		this.current = Flux.concat(Mono.just(up),
				this.pushes.asFlux().filter((later) -> later.number() > next.number()).map(Numbered::list));
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
				this.pushedLists.tryEmitNext(newest.list());
			}
			synchronized (this) {
				if (this.latest != null && this.latest.number() == this.pushed) {
					this.behind = false;
				}
			}
		}
	}

	private void cancelPendingEmpty() {
		if (this.pendingEmpty != null) {
			this.pendingEmpty.dispose();
			this.pendingEmpty = null;
		}
	}

	@Override
	public void destroy() {
		this.cache.removeListener(this.listener);
		synchronized (this) {
			cancelPendingEmpty();
		}
		synchronized (this.pushing) {
			this.pushes.tryEmitComplete();
			this.pushedLists.tryEmitComplete();
		}
	}

	@Override
	public String toString() {
		return "EtcdServiceInstanceListSupplier{" + this.serviceId + "}";
	}

	/** A list and its place in the order of lists. */
	private record Numbered(long number, List<ServiceInstance> list) {
	}

}
