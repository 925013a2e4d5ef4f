package io.github.etcddiscovery.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.lease.LeaseListener;
import io.github.etcddiscovery.lease.LeaseSnapshot;
import io.github.etcddiscovery.lease.LeaseState;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of this application's registrations: how many are in each lease state, how often
 * they were restored, how often a keep-alive failed, and how long registering took. No
 * per-instance tag: an application has one registration (two with a management instance).
 */
public class EtcdRegistrationMetrics implements MeterBinder, LeaseListener {

	private final EtcdServiceRegistry registry;

	private final Map<String, Long> registeringSince = new ConcurrentHashMap<>();

	private volatile Counter recoveries;

	private volatile Counter keepAliveFailures;

	private volatile Timer timeToRegister;

	public EtcdRegistrationMetrics(EtcdServiceRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		for (LeaseState state : LeaseState.values()) {
			if (state != LeaseState.DEREGISTERED) {
				Gauge.builder("etcd.registration.state", this.registry, r -> count(r, state))
					.tag("state", state.name())
					.description("This application's registrations in the given lease state")
					.strongReference(true)
					.register(meters);
			}
		}
		this.recoveries = Counter.builder("etcd.registration.recoveries")
			.description("Times a lost registration (lease or key) was restored")
			.register(meters);
		this.keepAliveFailures = Counter.builder("etcd.registration.keepalive.failures")
			.description("Failed keep-alives of a registration's lease (retried by jetcd, or given up)")
			.register(meters);
		this.timeToRegister = Timer.builder("etcd.registration.time")
			.description("From the start of a registration until its key is first in etcd under a live lease")
			.register(meters);
		this.registry.addLeaseListener(this);
	}

	private static double count(EtcdServiceRegistry registry, LeaseState state) {
		return registry.leases().stream().map(LeaseSnapshot::state).filter(state::equals).count();
	}

	@Override
	public void registering(String key) {
		this.registeringSince.put(key, System.nanoTime());
	}

	@Override
	public void stateChanged(String key, LeaseState from, LeaseState to) {
		if (to == LeaseState.ACTIVE) {
			Long since = this.registeringSince.remove(key);
			if (since != null) {
				this.timeToRegister.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
			}
			else if (from == LeaseState.RECOVERING) {
				this.recoveries.increment();
			}
		}
		else if (to == LeaseState.DEREGISTERED) {
			this.registeringSince.remove(key);
		}
	}

	@Override
	public void keepAliveFailed(String key) {
		this.keepAliveFailures.increment();
	}

}
