package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.CallLoop;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 4: the scenario of the starter's {@code RollingRestartIntegrationTest}, for every
 * system with its defaults. Three instances of a service are replaced one by one (the old one
 * closed gracefully, a new one started, and the next replaced only once the caller's calls
 * reach the new one) while a caller streams load-balanced calls to the service (two threads,
 * 2 ms apart, no retries). Reported: the calls that failed during the rollout, and how long it
 * took. etcd-discovery runs with its default shutdown delay, as in the test.
 */
public final class RollingRestart {

	static final String SECTION = "4. Rolling restart";

	private static final int INSTANCES = 3;

	private RollingRestart() {
	}

	/**
	 * @param step how long one replacement may take until the caller reaches the new instance
	 * (the peers' defaults wait for caches of 35-95 s)
	 */
	public static void run(Servers servers, Report report, Registry registry, Duration step) throws Exception {
		Samples failed = new Samples();
		Samples took = new Samples();
		// The test's setting: the starter's default drain before deregistering (Registry sets 0).
		String[] extra = (registry == Registry.ETCD) ? new String[] { "spring.cloud.etcd.discovery.shutdown-delay=500ms" }
				: new String[0];
		try (Apps apps = new Apps(registry, servers)) {
			List<ConfigurableApplicationContext> running = new ArrayList<>();
			for (int i = 0; i < INSTANCES; i++) {
				running.add(apps.start("rolling", "rolling-old-" + i, true, extra));
			}
			ConfigurableApplicationContext caller = apps.start("rolling-caller", "rolling-caller-1", false);
			ServiceInstanceListSupplier supplier = Apps.supplier(caller, "rolling");
			Propagation.await(step, () -> Apps.offered(supplier).size() == INSTANCES);
			long timeout = step.toNanos() * INSTANCES + Duration.ofSeconds(30).toNanos();
			try (CallLoop calls = new CallLoop(caller, "rolling", "rolling-old-0", 2, Duration.ofNanos(timeout),
					1_000_000, Duration.ofMillis(2))) {
				Propagation.await(Duration.ofSeconds(30), () -> calls.calls() > 20);
				long failuresBefore = calls.failures();
				long started = System.nanoTime();
				for (int i = 0; i < INSTANCES; i++) {
					running.get(i).close();
					String fresh = "rolling-new-" + i;
					apps.start("rolling", fresh, true, extra);
					Propagation.await(step, () -> calls.answeredBy(fresh));
				}
				took.addNanosAsMillis(System.nanoTime() - started);
				failed.add(calls.failures() - failuresBefore);
				report.note(SECTION, String.format("%s: %d calls in all, %d failed (first: %s)", registry.label(),
						calls.calls(), calls.failures(), calls.firstFailure()));
			}
		}
		report.add(Figure.of(SECTION, registry.label(), "calls failed while 3 instances were replaced (no retries)",
				"calls", failed, null, null));
		report.add(Figure.of(SECTION, registry.label(), "rollout, each replacement until callers reach it", "ms",
				took, null, null));
	}

}
