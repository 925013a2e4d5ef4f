package io.github.etcddiscovery.benchmarks;

/**
 * One row of RESULTS.md: a measured quantity for one system, summarised, next to the baseline
 * it is compared with, measured in the same run. The ratio is of the medians.
 *
 * @param section the figure it belongs to, e.g. "2. Propagation"
 * @param system who was measured, with which settings, e.g. "Zookeeper (fastest)"
 * @param metric what was measured
 * @param unit unit of median and p99
 * @param count number of samples (for JMH figures: measurement iterations)
 * @param median median
 * @param p99 99th percentile (for JMH figures: the error half-width is not a percentile, the
 * p99 column shows the worst iteration)
 * @param baseline name of the baseline, or null when the row is itself a baseline
 * @param baselineMedian median of the baseline, in the same unit
 */
public record Figure(String section, String system, String metric, String unit, int count, double median, double p99,
		String baseline, double baselineMedian) {

	public static Figure of(String section, String system, String metric, String unit, Samples samples,
			String baseline, Samples baselineSamples) {
		return new Figure(section, system, metric, unit, samples.count(), samples.median(), samples.p99(), baseline,
				(baselineSamples != null) ? baselineSamples.median() : Double.NaN);
	}

	public static Figure baseline(String section, String system, String metric, String unit, Samples samples) {
		return of(section, system, metric, unit, samples, null, null);
	}

	/**
	 * Median over the baseline's median; NaN for a baseline row, and for bytes allocated
	 * against a baseline that allocates nothing (JMH's GC profiler reports such a baseline as
	 * some 0.00005 B/op, which would turn any allocation into millions of times "more").
	 */
	public double ratio() {
		boolean nothing = this.baselineMedian == 0 || baselineAllocatesNothing();
		return (this.baseline == null || nothing) ? Double.NaN : this.median / this.baselineMedian;
	}

	/** Whether this row counts bytes allocated against a baseline that allocates less than one. */
	public boolean baselineAllocatesNothing() {
		return this.baseline != null && "B/op".equals(this.unit) && this.baselineMedian < 1;
	}

	public boolean hasValues() {
		return this.count > 0 && !Double.isNaN(this.median);
	}

}
