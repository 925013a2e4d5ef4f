package io.github.etcddiscovery.benchmarks.scenarios;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.lookup.LookupBenchmark;
import io.github.etcddiscovery.benchmarks.lookup.LookupFixtures;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link LookupBenchmark} with JMH and the GC profiler ({@code -prof gc}) and reports
 * ns/op and bytes allocated per op, each against {@code ConcurrentHashMap.get} for the same
 * size; the reactive lookup and {@code choose()} also against what their API costs at best
 * ({@code floor...} benchmarks, rows "etcd (vs API floor)"). The peers run with their fastest
 * settings (which do not change what a {@code DiscoveryClient} lookup does). The quick and full
 * profiles fork one JVM per benchmark, so that no benchmark's JIT profile or garbage colours
 * another's; each fork starts the caller application it measures against the run's servers
 * ({@link LookupFixtures#prepare}). The smoke profile runs in this JVM, where the applications
 * start once for all benchmarks.
 */
public final class Lookup {

	static final String SECTION = "1. Lookup";

	private Lookup() {
	}

	public static void run(Servers servers, Report report, Profile profile) throws Exception {
		boolean smoke = profile.smoke();
		int warmupMillis = smoke ? 50 : profile.full() ? 700 : 400;
		int measurementMillis = smoke ? 50 : profile.full() ? 1000 : 600;
		OptionsBuilder builder = new OptionsBuilder();
		if ("quick".equals(profile.name())) {
			// The before-the-memo figure stays in the full profile; the quick one keeps its 10 minutes.
			builder.exclude(LookupBenchmark.class.getName() + ".etcdGetInstancesBeforeMemo");
		}
		Collection<RunResult> results;
		try {
			// The servers run in this JVM (etcd in a process of its own): a fork starts only its caller.
			List<String> endpoints = LookupFixtures.prepare(servers);
			results = new Runner(options(builder, profile, endpoints, warmupMillis, measurementMillis)).run();
		}
		finally {
			LookupFixtures.cleanUp(servers);
		}
		Map<String, Statistics[]> baselines = new HashMap<>();
		Map<String, Statistics[]> floors = new HashMap<>();
		for (RunResult result : results) {
			String method = method(result);
			Statistics[] stats = { result.getPrimaryResult().getStatistics(), allocation(result) };
			if (method.equals("baselineConcurrentHashMapGet")) {
				baselines.put(result.getParams().getParam("instances"), stats);
			}
			else if (method.startsWith("floor")) {
				floors.put(method.substring("floor".length()) + " " + result.getParams().getParam("instances"), stats);
			}
		}
		for (RunResult result : results) {
			String method = method(result);
			String size = result.getParams().getParam("instances");
			Statistics[] baseline = baselines.get(size);
			boolean isBaseline = method.startsWith("baseline");
			String metric = method + " (" + size + " instances)";
			report.add(figure(metric, "ns/op", result.getPrimaryResult().getStatistics(), isBaseline ? null : baseline[0]));
			Statistics allocation = allocation(result);
			if (allocation != null) {
				report.add(figure(metric, "B/op", allocation, isBaseline ? null : baseline[1]));
			}
			Statistics[] floor = method.startsWith("etcd") ? floors.get(method.substring("etcd".length()) + " " + size)
					: null;
			if (floor != null) {
				report.add(againstFloor(metric, "ns/op", result.getPrimaryResult().getStatistics(), floor[0]));
				if (allocation != null && floor[1] != null) {
					report.add(againstFloor(metric, "B/op", allocation, floor[1]));
				}
			}
		}
		report.note(SECTION, "JMH 1.37"
				+ ", average time, " + profile.jmhIterations() + " measurement iterations of " + measurementMillis
				+ " ms after as many warm-up iterations of " + warmupMillis + " ms, "
				+ (smoke ? "in-process (forks=0)" : "one fork per benchmark") + ", "
				+ "GC profiler; p99 is the worst iteration's average, not a per-call percentile.");
	}

	private static Options options(OptionsBuilder builder, Profile profile, List<String> endpoints, int warmupMillis,
			int measurementMillis) {
		return builder.include(LookupBenchmark.class.getName())
			.forks(profile.smoke() ? 0 : 1)
			.jvmArgsAppend(endpoints.toArray(String[]::new))
			.warmupIterations(profile.jmhIterations())
			.warmupTime(TimeValue.milliseconds(warmupMillis))
			.measurementIterations(profile.jmhIterations())
			.measurementTime(TimeValue.milliseconds(measurementMillis))
			.timeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
			.mode(org.openjdk.jmh.annotations.Mode.AverageTime)
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.build();
	}

	private static Figure figure(String metric, String unit, Statistics stats, Statistics baseline) {
		return new Figure(SECTION, system(metric), metric, unit, (int) stats.getN(), stats.getPercentile(50),
				stats.getMax(), (baseline != null) ? "ConcurrentHashMap.get" : null,
				(baseline != null) ? baseline.getPercentile(50) : Double.NaN);
	}

	/** The second ratio of a row that has an API floor ({@code floor<Name>} for {@code etcd<Name>}). */
	private static Figure againstFloor(String metric, String unit, Statistics stats, Statistics floor) {
		return new Figure(SECTION, "etcd (vs API floor)", metric, unit, (int) stats.getN(), stats.getPercentile(50),
				stats.getMax(), "its API floor", floor.getPercentile(50));
	}

	private static String method(RunResult result) {
		String benchmark = result.getParams().getBenchmark();
		return benchmark.substring(benchmark.lastIndexOf('.') + 1);
	}

	private static String system(String metric) {
		if (metric.startsWith("etcd")) {
			return "etcd-discovery";
		}
		if (metric.startsWith("zookeeper")) {
			return Registry.ZOOKEEPER_FASTEST.label();
		}
		return metric.startsWith("eureka") ? Registry.EUREKA_FASTEST.label() : "floor";
	}

	private static Statistics allocation(RunResult result) {
		for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
			if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
				return secondary.getValue().getStatistics();
			}
		}
		return null;
	}

}
