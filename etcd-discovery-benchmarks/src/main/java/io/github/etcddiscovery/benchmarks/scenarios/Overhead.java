package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.ChildApp;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Figure 7: what the starter costs an application.
 * <ul>
 * <li>Startup: a whole {@code BenchApp} JVM, from launching the process to "ready", with the
 * starter against the same application with discovery switched off, alternated run by run
 * ({@link Profile#startupRuns()} of each). Both run the same class path and the same
 * properties; the baseline adds only {@code spring.cloud.etcd.enabled=false} and
 * {@code spring.cloud.discovery.enabled=false}, which leave the web server, actuator and
 * LoadBalancer on. Ready means: the {@code ApplicationReadyEvent} was published, so the web
 * server serves, and, with the starter, this instance's key was written in etcd under its
 * lease (registration runs on that event; the child waits for its
 * {@code InstanceRegisteredEvent} too, whichever listener runs first). The starter's view of
 * the prefix is loaded by then, as it always is when startup completes with etcd up.</li>
 * <li>A load-balanced call against a direct call to the same instance, from the same caller,
 * alternated batch by batch.</li>
 * </ul>
 */
public final class Overhead {

	static final String SECTION = "7. Overhead";

	private Overhead() {
	}

	public static void run(Servers servers, Report report, Profile profile) throws Exception {
		calls(servers, report, profile);
		startup(servers, report, profile);
	}

	private static void calls(Servers servers, Report report, Profile profile) throws Exception {
		Samples direct = new Samples();
		Samples balanced = new Samples();
		int batch = profile.smoke() ? 20 : 500;
		try (Apps apps = new Apps(Registry.ETCD, servers)) {
			ConfigurableApplicationContext provider = apps.start("overhead-provider", "overhead-provider-1", true);
			ConfigurableApplicationContext caller = apps.start("overhead-caller", "overhead-caller-1", false);
			Propagation.await(Duration.ofSeconds(30), () -> !Apps.discovered(caller, "overhead-provider").isEmpty());
			RestClient plain = RestClient.create("http://127.0.0.1:" + Apps.port(provider));
			RestClient loadBalanced = caller.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class)
				.baseUrl("http://overhead-provider")
				.build();
			for (int round = 0; round < profile.overheadRuns() * 2 + 1; round++) {
				boolean warm = round > 0;
				time(plain, batch, warm ? direct : null);
				time(loadBalanced, batch, warm ? balanced : null);
			}
		}
		report.add(Figure.baseline(SECTION, "direct", "direct call to the instance", "µs", direct));
		report.add(Figure.of(SECTION, "etcd-discovery", "load-balanced call to the same instance", "µs", balanced,
				"direct call", direct));
	}

	private static void time(RestClient client, int calls, Samples into) {
		for (int i = 0; i < calls; i++) {
			long start = System.nanoTime();
			client.get().uri("/hello").retrieve().body(String.class);
			if (into != null) {
				into.add((System.nanoTime() - start) / 1000.0);
			}
		}
	}

	private static void startup(Servers servers, Report report, Profile profile) throws Exception {
		Samples with = new Samples();
		Samples without = new Samples();
		String endpoint = servers.etcd().clientEndpoint();
		List<String> discovery = Registry.ETCD.properties("startup", "startup-1", endpoint, true);
		List<String> none = new ArrayList<>(discovery);
		none.add("spring.cloud.etcd.enabled=false");
		none.add("spring.cloud.discovery.enabled=false");
		// The smoke run only proves the scenario works: its JVMs skip the optimising compiler.
		String jit = profile.smoke() ? "-XX:TieredStopAtLevel=1" : "-XX:+TieredCompilation";
		// Alternated, and in turn first, so that a machine getting busier or quieter over the
		// runs weighs on both alike.
		for (int run = 0; run < profile.startupRuns(); run++) {
			boolean baselineFirst = run % 2 == 0;
			if (baselineFirst) {
				without.addNanosAsMillis(startOnce(none, jit));
			}
			with.addNanosAsMillis(startOnce(discovery, jit));
			if (!baselineFirst) {
				without.addNanosAsMillis(startOnce(none, jit));
			}
		}
		report.add(Figure.baseline(SECTION, "discovery off", "application JVM start to ready", "ms", without));
		report.add(Figure.of(SECTION, "etcd-discovery", "application JVM start to ready, registered", "ms", with,
				"discovery off", without));
		Samples added = new Samples();
		added.add(with.median() - without.median());
		report.add(Figure.of(SECTION, "etcd-discovery", "startup added (difference of medians)", "ms", added,
				"discovery off", without));
	}

	/** Starts a BenchApp JVM and returns the nanoseconds until it was ready (and registered). */
	private static long startOnce(List<String> properties, String jit) throws Exception {
		try (ChildApp app = ChildApp.start(properties, jit, "-Dbench.ready-when-registered=true")) {
			return app.readyAfterNanos();
		}
	}

}
