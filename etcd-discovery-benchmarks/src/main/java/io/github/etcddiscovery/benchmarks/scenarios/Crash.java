package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.CallLoop;
import io.github.etcddiscovery.benchmarks.systems.ChildApp;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 3: a provider JVM registered with its defaults is killed with SIGKILL while a caller
 * streams calls to its service (two threads, 2 ms apart, no retries; one thread 10 ms apart for
 * the minutes-long sample of Eureka's defaults, see {@link #runLight}), once per sample, a new
 * provider each time ({@link io.github.etcddiscovery.benchmarks.Profile#crashRuns()}). Reported: the time from
 * the kill until the caller's load-balancer list no longer holds it (registration expiry plus
 * propagation), and the calls that failed meanwhile; a graceful
 * deregistration (figure 2) taking milliseconds and failing none. Eureka with its defaults waits
 * for its lease (90 s, which its server counts twice), eviction timer (60 s) and three caches
 * (30 s, 30 s, 35 s): up to about six minutes for its one sample.
 */
public final class Crash {

	static final String SECTION = "3. Crash";

	private Crash() {
	}

	/**
	 * @param samples providers killed one after another, each a sample
	 * @param smoke shorten the registrations' lifetimes (etcd lease TTL 2 s, ZooKeeper session
	 * 4 s): the smoke test only proves the scenario works
	 */
	public static void run(Servers servers, Report report, Registry registry, boolean smoke, int samples)
			throws Exception {
		run(servers, report, registry, registry.label(), smoke ? java.util.List.of("spring.cloud.etcd.discovery.ttl=2s",
				"spring.cloud.zookeeper.session-timeout=4s") : java.util.List.of(), smoke, NORMAL, samples, () -> {
				});
	}

	/**
	 * The same scenario with callers at a light pace (one thread, 10 ms apart, the list looked
	 * at every 10 ms): for a sample that takes minutes and runs alongside the lookup figure
	 * and, for its last minute or so, the scale figure and etcd's propagation, which it must
	 * disturb as little as it can. Its failed calls are compared through the figure per
	 * 1,000 calls/s.
	 * @param providerUp runs once the provider has started: what follows is waiting, for its
	 * registration to reach the caller, then for its expiry once killed, with the light call
	 * loop in between
	 */
	public static void runLight(Servers servers, Report report, Registry registry, Runnable providerUp)
			throws Exception {
		run(servers, report, registry, registry.label(), java.util.List.of(), false, LIGHT, 1, providerUp);
	}

	/**
	 * This starter with a lease of {@code ttl}: its fastest documented setting for crashes, as
	 * Eureka's fastest row runs with a 3 s lease.
	 */
	public static void runEtcdWithTtl(Servers servers, Report report, Duration ttl, int samples) throws Exception {
		run(servers, report, Registry.ETCD, Registry.ETCD.label() + " (ttl " + ttl.toSeconds() + " s)",
				java.util.List.of("spring.cloud.etcd.discovery.ttl=" + ttl.toSeconds() + "s"), false, NORMAL, samples,
				() -> {
				});
	}

	private static void run(Servers servers, Report report, Registry registry, String label,
			java.util.List<String> extraProperties, boolean smoke, Pace pace, int samples, Runnable providerUp)
			throws Exception {
		Samples removed = new Samples();
		Samples failed = new Samples();
		Samples failedPerRate = new Samples();
		Duration limit = Duration.ofSeconds((registry == Registry.EUREKA_DEFAULTS) ? 420 : 150);
		try (Apps apps = new Apps(registry, servers)) {
			apps.start("crashing", "crashing-a", true);
			ConfigurableApplicationContext caller = apps.start("crash-caller", "crash-caller-1", false);
			ServiceInstanceListSupplier supplier = Apps.supplier(caller, "crashing");
			for (int sample = 0; sample < samples; sample++) {
				String victimId = "crashing-b" + sample;
				java.util.List<String> properties = new java.util.ArrayList<>(
						registry.properties("crashing", victimId, apps.endpoint(), true));
				properties.addAll(extraProperties);
				try (ChildApp victim = ChildApp.start(properties, smoke ? "-XX:TieredStopAtLevel=1" : "-XX:+TieredCompilation")) {
					providerUp.run();
					Propagation.await(limit, Duration.ofMillis(50), () -> Apps.offered(supplier).contains(victimId));
					try (CallLoop calls = new CallLoop(caller, "crashing", victimId, pace.threads(), limit.plusSeconds(40),
							500_000, pace.pause())) {
						Propagation.await(Duration.ofSeconds(30), () -> calls.lastByWatched() > 0);
						long failuresBefore = calls.failures();
						long callsBefore = calls.calls();
						long killedAt = System.nanoTime();
						victim.kill();
						long deadline = killedAt + limit.toNanos();
						while (Apps.offered(supplier).contains(victimId) && System.nanoTime() < deadline) {
							LockSupport.parkNanos(pace.look().toNanos());
						}
						long gone = System.nanoTime();
						long sent = calls.calls();
						Propagation.await(Duration.ofSeconds(10), () -> calls.calls() >= sent + 20);
						if (gone < deadline) {
							removed.addNanosAsMillis(gone - killedAt);
							failed.add(calls.failures() - failuresBefore);
							double callsPerSecond = (sent - callsBefore) / ((gone - killedAt) / 1e9);
							failedPerRate.add((calls.failures() - failuresBefore) * 1000.0 / callsPerSecond);
						}
						report.note(SECTION, String.format("%s, sample %d: %d calls in all, at about %.0f calls/s", label,
								sample + 1, calls.calls(), calls.calls() / ((System.nanoTime() - killedAt) / 1e9 + 1e-9)));
					}
				}
			}
		}
		report.add(Figure.of(SECTION, label, "SIGKILL -> out of the load-balancer list", "ms", removed, null, null));
		report.add(Figure.of(SECTION, label, "calls failed meanwhile (no retries)", "calls", failed, null, null));
		report.add(Figure.of(SECTION, label, "calls failed meanwhile, scaled to 1,000 calls/s sent", "calls", failedPerRate,
				null, null));
	}

	/**
	 * How hard the caller calls (threads, each pausing between two calls), and how often the
	 * caller's list is looked at after the kill.
	 */
	private record Pace(int threads, Duration pause, Duration look) {
	}

	private static final Pace NORMAL = new Pace(2, Duration.ofMillis(2), Duration.ofMillis(1));

	/** For minutes of waiting: 10 ms is below 0.01 % of what it times. */
	private static final Pace LIGHT = new Pace(1, Duration.ofMillis(10), Duration.ofMillis(10));

}
