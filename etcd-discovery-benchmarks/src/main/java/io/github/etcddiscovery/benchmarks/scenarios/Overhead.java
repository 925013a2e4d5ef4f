package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.app.BenchApp;
import io.github.etcddiscovery.benchmarks.app.JetcdFloor;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.ChildApp;
import io.github.etcddiscovery.benchmarks.systems.FixedLists;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
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
 * <li>The floor under that: a {@link JetcdFloor} JVM that only builds a jetcd client and makes
 * one get, against an empty main, alternated the same way.</li>
 * <li>A load-balanced call against a direct call to the same instance, from the same caller,
 * over the same connection, alternated call by call; and, to tell the registry's share from
 * Spring Cloud LoadBalancer's, the same load-balanced call over a fixed list
 * ({@link FixedLists}).</li>
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

	/**
	 * The three clients share one request factory, so one connection pool and one kept-alive
	 * connection: the calls differ only in how the address is picked. They are warmed up
	 * until the optimising compiler has compiled the load-balanced path too, then alternated
	 * call by call, so that the machine's load falls on all three alike.
	 */
	private static void calls(Servers servers, Report report, Profile profile) throws Exception {
		int warmUp = profile.smoke() ? 20 : 10_000;
		int calls = profile.smoke() ? 20 : 1_000 * profile.overheadRuns();
		Samples[] samples = { new Samples(), new Samples(), new Samples() };
		Samples registryShare = new Samples();
		Samples loadBalancerShare = new Samples();
		try (Apps apps = new Apps(Registry.ETCD, servers); CloseableHttpClient http = HttpClients.createSystem()) {
			// What RestClient.builder() makes per client when Apache HttpClient is there, shared.
			HttpComponentsClientHttpRequestFactory requests = new HttpComponentsClientHttpRequestFactory(http);
			ConfigurableApplicationContext provider = apps.start("overhead-provider", "overhead-provider-1", true);
			int port = Apps.port(provider);
			ConfigurableApplicationContext caller = apps.start("overhead-caller", "overhead-caller-1", false,
					"spring.main.sources=" + FixedLists.class.getName(), "bench.fixed-list.port=" + port);
			Propagation.await(Duration.ofSeconds(30), () -> !Apps.discovered(caller, "overhead-provider").isEmpty());
			RestClient.Builder loadBalanced = caller.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class);
			RestClient[] clients = { RestClient.builder().requestFactory(requests).baseUrl("http://127.0.0.1:" + port).build(),
					loadBalanced.clone().requestFactory(requests).baseUrl("http://overhead-provider").build(),
					loadBalanced.clone().requestFactory(requests).baseUrl("http://" + FixedLists.OVERHEAD).build() };
			double[] micros = new double[clients.length];
			for (int i = 0; i < warmUp + calls; i++) {
				for (int k = 0; k < clients.length; k++) {
					int c = (i + k) % clients.length;
					micros[c] = time(clients[c]);
				}
				if (i >= warmUp) {
					for (int c = 0; c < clients.length; c++) {
						samples[c].add(micros[c]);
					}
					loadBalancerShare.add(micros[2] - micros[0]);
					registryShare.add(micros[1] - micros[2]);
				}
			}
		}
		Samples direct = samples[0];
		report.add(Figure.baseline(SECTION, "direct", "direct call to the instance", "µs", direct));
		report.add(Figure.of(SECTION, "etcd-discovery", "load-balanced call to the same instance", "µs", samples[1],
				"direct call", direct));
		report.add(Figure.of(SECTION, "Spring Cloud LoadBalancer (fixed list)",
				"load-balanced call to the same instance, fixed list, no registry", "µs", samples[2], "direct call",
				direct));
		report.add(Figure.of(SECTION, "Spring Cloud LoadBalancer (fixed list)",
				"added by Spring Cloud LoadBalancer (fixed list - direct, per call)", "µs", loadBalancerShare,
				"direct call", direct));
		report.add(Figure.of(SECTION, "etcd-discovery", "added by the registry (etcd - fixed list, per call)", "µs",
				registryShare, "direct call", direct));
		report.note(SECTION, "Calls: one request factory and connection pool for the three clients, " + warmUp
				+ " warm-up calls each, then " + calls + " calls each alternated call by call; the shares are medians"
				+ " of per-call differences.");
	}

	private static double time(RestClient client) {
		long start = System.nanoTime();
		client.get().uri("/hello").retrieve().body(String.class);
		return (System.nanoTime() - start) / 1000.0;
	}

	private static void startup(Servers servers, Report report, Profile profile) throws Exception {
		String endpoint = servers.etcd().clientEndpoint();
		List<String> discovery = Registry.ETCD.properties("startup", "startup-1", endpoint, true);
		List<String> none = new ArrayList<>(discovery);
		none.add("spring.cloud.etcd.enabled=false");
		none.add("spring.cloud.discovery.enabled=false");
		// The smoke run only proves the scenario works: its JVMs skip the optimising compiler.
		String jit = profile.smoke() ? "-XX:TieredStopAtLevel=1" : "-XX:+TieredCompilation";
		Samples with = new Samples();
		Samples without = new Samples();
		alternate(profile.startupRuns(), () -> startOnce(BenchApp.class, none, jit), without,
				() -> startOnce(BenchApp.class, discovery, jit), with);
		report.add(Figure.baseline(SECTION, "discovery off", "application JVM start to ready", "ms", without));
		report.add(Figure.of(SECTION, "etcd-discovery", "application JVM start to ready, registered", "ms", with,
				"discovery off", without));
		report.add(Figure.of(SECTION, "etcd-discovery", "startup added (difference of medians)", "ms",
				difference(with, without), "discovery off", without));
		Samples empty = new Samples();
		Samples jetcd = new Samples();
		alternate(profile.startupRuns(), () -> startOnce(JetcdFloor.class, List.of(), jit), empty,
				() -> startOnce(JetcdFloor.class, List.of(endpoint), jit), jetcd);
		report.add(Figure.baseline(SECTION, "empty main", "JVM start to an empty main's end", "ms", empty));
		report.add(Figure.of(SECTION, "jetcd (raw)", "JVM start to a new client's first get answered", "ms", jetcd,
				"empty main", empty));
		report.add(Figure.of(SECTION, "jetcd (raw)", "floor: jetcd added (difference of medians)", "ms",
				difference(jetcd, empty), "empty main", empty));
		report.note(SECTION, "Startup: whole JVMs, alternated run by run, each side first in turn. Both BenchApp "
				+ "variants run the same class path and properties; discovery off adds spring.cloud.etcd.enabled=false "
				+ "and spring.cloud.discovery.enabled=false (web server, actuator and LoadBalancer stay on). Ready: "
				+ "ApplicationReadyEvent published and, with the starter, the instance registered in etcd "
				+ "(InstanceRegisteredEvent), its view of the prefix loaded. The floor is a main that only builds "
				+ "a jetcd client and makes one get, against an empty main: what reaching etcd costs any process.");
	}

	/** Alternates the two, each first in turn, so that a machine getting busier or quieter weighs on both alike. */
	private static void alternate(int runs, Callable<Long> baseline, Samples baselineInto, Callable<Long> measured,
			Samples measuredInto) throws Exception {
		for (int run = 0; run < runs; run++) {
			boolean baselineFirst = run % 2 == 0;
			if (baselineFirst) {
				baselineInto.addNanosAsMillis(baseline.call());
			}
			measuredInto.addNanosAsMillis(measured.call());
			if (!baselineFirst) {
				baselineInto.addNanosAsMillis(baseline.call());
			}
		}
	}

	private static Samples difference(Samples measured, Samples baseline) {
		Samples added = new Samples();
		added.add(measured.median() - baseline.median());
		return added;
	}

	/**
	 * Starts a JVM and returns the nanoseconds until it was ready: for a {@link BenchApp},
	 * these are properties, and ready includes registered.
	 */
	private static long startOnce(Class<?> main, List<String> arguments, String jit) throws Exception {
		List<String> args = (main == BenchApp.class) ? arguments.stream().map(p -> "--" + p).toList() : arguments;
		try (ChildApp app = ChildApp.start(main, args, jit, "-Dbench.ready-when-registered=true")) {
			return app.readyAfterNanos();
		}
	}

}
