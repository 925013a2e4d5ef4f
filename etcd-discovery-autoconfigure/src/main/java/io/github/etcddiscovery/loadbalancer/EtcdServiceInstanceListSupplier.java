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

	/** Replays the latest list: a load balancer subscribes per request and takes the first. */
	private final Sinks.Many<List<ServiceInstance>> instances = Sinks.many().replay().latest();

	private final ServiceChangeListener listener = this::servicesChanged;

	/** The subscribers of this service's lists, which keep it held ({@code watch=per-service}). */
	private final ServiceUse use;

	/** The service's releases counted when it was last read: another count means it was released since. */
	private volatile int releasesRead;

	/** What {@link #get()} returns: the replayed lists, read again first when they may be out of date. */
	private final Flux<List<ServiceInstance>> lists;

	/** Null until the first refresh, which always emits: subscribers must never wait for a first list. */
	private @Nullable List<ServiceInstance> last;

	/** The empty list due once {@link #VANISHED_GRACE} has passed, unless an instance comes. */
	private @Nullable Disposable pendingEmpty;

	public EtcdServiceInstanceListSupplier(String serviceId, EtcdDiscoveryCache cache) {
		this.serviceId = serviceId;
		this.canonicalId = EtcdDiscoveryCache.canonical(serviceId);
		this.cache = cache;
		this.use = cache.use(serviceId);
		this.lists = (this.use == ServiceUse.NEVER_RELEASED) ? this.instances.asFlux()
				: Flux.defer(this::subscription);
		// Listen first, then read: a change in between is read twice, never missed. With
		// watch=per-service, a service not held yet is read once its first listing is in.
		cache.addListener(this.listener);
		if (cache.holds(serviceId)) {
			refresh();
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
		return this.lists;
	}

	/**
	 * One subscriber, which keeps the service held until it leaves: it gets the replayed list,
	 * read again first when the service was released since the last read (or is not held yet).
	 * The subscriber is counted before the check, and a release marks the service not held
	 * before it looks for subscribers, so one of the two always sees the other.
	 */
	private Flux<List<ServiceInstance>> subscription() {
		this.use.subscribed();
		Flux<List<ServiceInstance>> replayed = this.instances.asFlux();
		if (this.use.releases() != this.releasesRead || !this.cache.holds(this.serviceId)) {
			replayed = Mono.fromCompletionStage(readWhenHeld()).thenMany(replayed);
		}
		return replayed.doFinally((signal) -> this.use.unsubscribed());
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
			refresh();
		});
	}

	private void servicesChanged(Set<String> serviceIds) {
		if (serviceIds.contains(this.canonicalId)) {
			// Off the cache's own thread: no subscriber (a blocking health check, say) may hold it up.
			Schedulers.boundedElastic().schedule(this::refresh);
		}
	}

	/**
	 * Reads the cache and emits what it holds, unless that was the last list emitted. Reading
	 * under the lock means that whichever refresh runs last emits the newest view. A read of
	 * memory only: it never starts a watch, and is not a use that keeps the service held.
	 */
	private synchronized void refresh() {
		if (!this.cache.holds(this.serviceId)) {
			// Released: the next subscriber reads it again (readWhenHeld).
			return;
		}
		ServiceInstances current = this.cache.peek(this.serviceId);
		if (current.isEmpty() && this.last != null && !this.last.isEmpty()) {
			if (this.pendingEmpty == null) {
				this.pendingEmpty = Schedulers.parallel()
					.schedule(this::emptyAfterGrace, VANISHED_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
			return;
		}
		cancelPendingEmpty();
		emit(current.up());
	}

	private synchronized void emptyAfterGrace() {
		this.pendingEmpty = null;
		if (this.cache.holds(this.serviceId) && this.cache.peek(this.serviceId).isEmpty()) {
			emit(List.of());
		}
	}

	private void emit(List<ServiceInstance> up) {
		if (!up.equals(this.last)) {
			this.last = up;
			this.instances.tryEmitNext(up);
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
		this.instances.tryEmitComplete();
	}

	@Override
	public String toString() {
		return "EtcdServiceInstanceListSupplier{" + this.serviceId + "}";
	}

}
