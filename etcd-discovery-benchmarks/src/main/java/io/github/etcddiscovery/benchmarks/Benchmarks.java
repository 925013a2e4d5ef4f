package io.github.etcddiscovery.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.benchmarks.scenarios.Crash;
import io.github.etcddiscovery.benchmarks.scenarios.Fleet;
import io.github.etcddiscovery.benchmarks.scenarios.Lookup;
import io.github.etcddiscovery.benchmarks.scenarios.Overhead;
import io.github.etcddiscovery.benchmarks.scenarios.Propagation;
import io.github.etcddiscovery.benchmarks.scenarios.RollingRestart;
import io.github.etcddiscovery.benchmarks.scenarios.Scale;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;

/**
 * The one command's main: runs every scenario of a {@link Profile} against servers it starts
 * itself on loopback, and writes {@code RESULTS.md} and {@code propagation.png} into the given
 * directory. A scenario that fails is written down as failed; the others still run.
 * <p>
 * Run: {@code ./mvnw -q -pl etcd-discovery-benchmarks -am -DskipTests -Pbenchmark package}
 * (add {@code -Dbenchmark.profile=full} for the longer profile).
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		Profile profile = Profile.named((args.length > 0) ? args[0] : "quick");
		Path dir = Path.of((args.length > 1) ? args[1] : ".");
		Report report = run(profile, dir);
		System.out.println("[benchmark] wrote " + dir.resolve("RESULTS.md"));
		System.exit(report.errors().isEmpty() ? 0 : 1);
	}

	/** Runs every scenario and writes the results into {@code dir}. */
	public static Report run(Profile profile, Path dir) throws Exception {
		Instant started = Instant.now();
		String loadBefore = ResultsWriter.loadAverage();
		Report report = new Report();
		try (Servers servers = new Servers()) {
			// Eureka's crash with its defaults waits minutes (three caches of 30-35 s until its
			// provider reaches the caller; then a 90 s lease its server counts twice, a 60 s
			// eviction timer and the caches again) and is idle but for a light call loop: it
			// starts first, on its own Eureka server, and goes on while JMH's forked JVMs measure
			// the lookups, which start once its applications and its provider have started, and
			// for about a minute after them (the scale figure and etcd's propagation, whose
			// figures are ratios to floors measured alongside them).
			List<Thread> waiting = new ArrayList<>();
			if (!profile.smoke()) {
				java.util.concurrent.CountDownLatch providerUp = new java.util.concurrent.CountDownLatch(1);
				waiting.add(inParallel(report, "3. Crash: Eureka defaults",
						() -> Crash.runLight(servers, report, Registry.EUREKA_DEFAULTS, providerUp::countDown), providerUp));
				providerUp.await(3, java.util.concurrent.TimeUnit.MINUTES);
			}
			attempt(report, "1. Lookup", () -> Lookup.run(servers, report, profile));
			attempt(report, "5. Scale of one application", () -> Scale.run(servers, report, profile));
			propagation(servers, report, profile);
			// The peers' other defaults wait for caches of 30-90 s, mostly idle: they run on their
			// own servers (ZooKeeper, Eureka) while the other scenarios go on, so that the run
			// takes the longest of them rather than their sum. They start after the figures that
			// time hot paths, event rates and propagation; the figures that follow count etcd's
			// own CPU and bytes, or are times set by leases and caches. The overhead figure waits
			// for them, since it times startups and calls.
			waiting.addAll(defaults(servers, report, profile));
			attempt(report, "6. Scale of the fleet", () -> Fleet.run(servers, report, profile));
			attempt(report, "3. Crash: etcd", () -> Crash.run(servers, report, Registry.ETCD, profile.smoke(), profile.crashRuns()));
			if (!profile.smoke()) {
				// The same scenario with a shorter lease (the smoke run already uses a 2 s one).
				attempt(report, "3. Crash: etcd ttl 3 s",
						() -> Crash.runEtcdWithTtl(servers, report, Duration.ofSeconds(3), profile.crashRuns()));
			}
			attempt(report, "3. Crash: Zookeeper", () -> Crash.run(servers, report, Registry.ZOOKEEPER_FASTEST, profile.smoke(), profile.crashRuns()));
			attempt(report, "3. Crash: Eureka fastest", () -> Crash.run(servers, report, Registry.EUREKA_FASTEST, profile.smoke(), profile.crashRuns()));
			attempt(report, "4. Rolling restart: etcd",
					() -> RollingRestart.run(servers, report, Registry.ETCD, Duration.ofSeconds(60)));
			for (Thread thread : waiting) {
				thread.join();
			}
			attempt(report, "7. Overhead", () -> Overhead.run(servers, report, profile));
		}
		ResultsWriter.write(report, profile, dir, started, loadBefore);
		return report;
	}

	private static void propagation(Servers servers, Report report, Profile profile) throws InterruptedException {
		Propagation propagation = new Propagation(servers, report);
		int warmup = profile.smoke() ? 1 : 20;
		attempt(report, "2. Propagation: etcd", () -> propagation.run(Registry.ETCD, profile.propagationCycles(), warmup));
		attempt(report, "2. Propagation: Zookeeper fastest",
				() -> propagation.run(Registry.ZOOKEEPER_FASTEST, Math.max(1, profile.propagationCycles() * 2 / 5), warmup));
		attempt(report, "2. Propagation: Eureka fastest",
				() -> propagation.run(Registry.EUREKA_FASTEST, profile.eurekaCycles(), profile.smoke() ? 0 : 2));
	}

	private static List<Thread> defaults(Servers servers, Report report, Profile profile) {
		Propagation propagation = new Propagation(servers, report);
		List<Thread> waiting = new ArrayList<>();
		waiting.add(inParallel(report, "2. Propagation: Zookeeper defaults",
				() -> propagation.run(Registry.ZOOKEEPER_DEFAULTS, profile.defaultCycles(), 0)));
		waiting.add(inParallel(report, "2. Propagation: Eureka defaults",
				() -> propagation.run(Registry.EUREKA_DEFAULTS, profile.defaultCycles(), 0)));
		if (!profile.smoke()) {
			waiting.add(inParallel(report, "4. Rolling restart: Zookeeper defaults",
					() -> RollingRestart.run(servers, report, Registry.ZOOKEEPER_DEFAULTS, Duration.ofSeconds(120))));
			waiting.add(inParallel(report, "4. Rolling restart: Eureka defaults",
					() -> RollingRestart.run(servers, report, Registry.EUREKA_DEFAULTS, Duration.ofSeconds(200))));
		}
		return waiting;
	}

	private static Thread inParallel(Report report, String section, Step step) {
		return inParallel(report, section, step, new java.util.concurrent.CountDownLatch(0));
	}

	/** Runs {@code step} on a thread of its own, counting {@code done} down when it ends. */
	private static Thread inParallel(Report report, String section, Step step,
			java.util.concurrent.CountDownLatch done) {
		Thread thread = new Thread(() -> {
			try {
				attempt(report, section, step);
			}
			finally {
				done.countDown();
			}
		}, "bench-" + section);
		thread.start();
		return thread;
	}

	/** A step of a scenario that may throw. */
	@FunctionalInterface
	interface Step {

		void run() throws Exception;

	}

	static void attempt(Report report, String section, Step step) {
		if (!java.util.regex.Pattern.compile(System.getProperty("bench.only", "")).matcher(section).find()) {
			return;
		}
		long start = System.nanoTime();
		try {
			step.run();
		}
		catch (Exception | Error ex) {
			report.failed(section, ex);
		}
		finally {
			report.took(section, Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
