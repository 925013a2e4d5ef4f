package io.github.etcddiscovery.benchmark;

import java.util.List;

/**
 * The benchmarks' table rows: median, p99 and max of measured latencies, with the ratio of
 * the median to a baseline measured in the same run.
 */
final class Latencies {

	private Latencies() {
	}

	/** One row; with a baseline, the ratio of the medians: what we add to what etcd takes. */
	static void print(String metric, List<Long> nanos, List<Long> baseline, String baselineName) {
		long[] sorted = sorted(nanos);
		double median = ms(percentile(sorted, 50));
		String ratio = (baseline != null)
				? String.format("  %.1fx the %s median", median / ms(percentile(sorted(baseline), 50)), baselineName)
				: "";
		System.out.printf("[benchmark] %-44s %6.2f ms %6.2f ms %6.2f ms%s%n", metric, median, ms(percentile(sorted, 99)),
				ms(sorted[sorted.length - 1]), ratio);
	}

	private static long[] sorted(List<Long> nanos) {
		return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
	}

	private static long percentile(long[] sorted, int percent) {
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static double ms(long nanos) {
		return nanos / 1_000_000.0;
	}

}
