package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.ServiceChangeListener;
import reactor.core.Disposable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When a change reached a caller's {@code DiscoveryClient} (a) and its load-balancer list (b):
 * the earliest of a poll every ~0.5 ms and of the events the caller's registry client offers,
 * the same way for every system. A poll under a saturated CPU oversleeps by a scheduler slice,
 * so each condition is also checked the moment the caller is told something changed:
 * <ul>
 * <li>on every Spring Cloud {@link HeartbeatEvent} the caller's context publishes (the
 * etcd-discovery starter after each change of its view, Spring Cloud Zookeeper's
 * {@code ZookeeperServiceWatch} on each TreeCache event, Eureka's {@code CloudEurekaClient}
 * after each registry fetch), where both (a) and (b) are checked again; and</li>
 * <li>on every list the caller's load-balancer {@link ServiceInstanceListSupplier} flux emits
 * to one subscription held all along, where (b) is read from the list itself (the
 * etcd-discovery supplier pushes every change; the peers' suppliers emit once per subscription,
 * so for them this adds nothing and the poll and the heartbeat decide); and</li>
 * <li>with etcd-discovery, on every call of its change listener ({@code ServiceChangeListener},
 * told on the thread that applied the change, after the load balancer's list is set), where
 * both are checked again. Spring Cloud Zookeeper's heartbeat is already told that way, on the
 * TreeCache's thread; etcd-discovery publishes its heartbeat from a thread of its own, so that
 * a slow listener cannot hold up its watch, and this listener is its equivalent.</li>
 * </ul>
 * Each stamp is taken right after the check that found the condition true. Watching starts
 * before the register or deregister call: a registry's call may return only after its server
 * answered, by when the change may already have reached the caller (the raw floor's watch is
 * stamped by its own event, whenever the write returns).
 */
final class Arrival implements AutoCloseable {

	private final ConfigurableApplicationContext caller;

	private final ApplicationListener<HeartbeatEvent> heartbeats = (event) -> check(null);

	private final Disposable lists;

	private final Runnable stopListening;

	private volatile Phase phase;

	Arrival(ConfigurableApplicationContext caller, ServiceInstanceListSupplier supplier) {
		this.caller = caller;
		caller.addApplicationListener(this.heartbeats);
		this.lists = supplier.get().subscribe(this::check, (error) -> {
		});
		EtcdDiscoveryCache cache = caller.getBeanProvider(EtcdDiscoveryCache.class).getIfAvailable();
		if (cache != null) {
			ServiceChangeListener changes = (serviceIds) -> check(null);
			cache.addListener(changes);
			this.stopListening = () -> cache.removeListener(changes);
		}
		else {
			this.stopListening = () -> {
			};
		}
	}

	/**
	 * Starts watching for (a), (b) and the list condition: called before the register or
	 * deregister call, which may return only after the change reached the caller.
	 */
	Phase begin(BooleanSupplier first, BooleanSupplier second, Predicate<List<String>> inList) {
		Phase started = new Phase(first, second, inList);
		this.phase = started;
		return started;
	}

	/**
	 * Waits until the phase's (a), (b) and, unless null, {@code stamped} have all happened;
	 * returns when each happened first, or null after {@code timeout}.
	 */
	long[] await(Phase current, Duration timeout, long since, LongSupplier stamped) {
		try {
			long deadline = since + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				current.checkFirst();
				current.checkSecond();
				long third = (stamped != null) ? stamped.getAsLong() : -1;
				if (current.first.get() != 0 && current.second.get() != 0 && third != 0) {
					return new long[] { current.first.get(), current.second.get(), third };
				}
				LockSupport.parkNanos(500_000);
			}
			return null;
		}
		finally {
			this.phase = null;
		}
	}

	private void check(List<ServiceInstance> offered) {
		Phase current = this.phase;
		if (current == null) {
			return;
		}
		if (offered != null) {
			if (current.inList.test(offered.stream().map(ServiceInstance::getInstanceId).toList())) {
				earliest(current.second, System.nanoTime());
			}
			return;
		}
		current.checkFirst();
		current.checkSecond();
	}

	private static void earliest(AtomicLong at, long now) {
		at.accumulateAndGet(now, (a, b) -> (a == 0) ? b : Math.min(a, b));
	}

	@Override
	public void close() {
		this.lists.dispose();
		this.stopListening.run();
		this.caller.removeApplicationListener(this.heartbeats);
	}

	/** One register or deregister: its two conditions and when each was first found true. */
	record Phase(BooleanSupplier firstCondition, BooleanSupplier secondCondition,
			Predicate<List<String>> inList, AtomicLong first, AtomicLong second) {

		Phase(BooleanSupplier first, BooleanSupplier second, Predicate<List<String>> inList) {
			this(first, second, inList, new AtomicLong(), new AtomicLong());
		}

		void checkFirst() {
			if (this.first.get() == 0 && this.firstCondition.getAsBoolean()) {
				earliest(this.first, System.nanoTime());
			}
		}

		void checkSecond() {
			if (this.second.get() == 0 && this.secondCondition.getAsBoolean()) {
				earliest(this.second, System.nanoTime());
			}
		}

	}

}
