package io.github.etcddiscovery.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measured values of one quantity (in the unit of the figure they feed), collected in order
 * and summarised by nearest-rank percentiles. Not thread-safe: one scenario thread adds.
 */
public final class Samples {

	private final List<Double> values = new ArrayList<>();

	public void add(double value) {
		this.values.add(value);
	}

	public void addNanosAsMillis(long nanos) {
		add(nanos / 1_000_000.0);
	}

	public int count() {
		return this.values.size();
	}

	public List<Double> values() {
		return Collections.unmodifiableList(this.values);
	}

	public double median() {
		return percentile(50);
	}

	public double p99() {
		return percentile(99);
	}

	/** Nearest rank; NaN without samples. */
	public double percentile(double percent) {
		if (this.values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(this.values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

}
