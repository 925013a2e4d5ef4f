package io.github.etcddiscovery.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ratio rule of every RESULTS.md row: a median over its baseline's median, except where
 * the baseline makes it meaningless.
 */
class FigureTest {

	@Test
	void aRatioIsTheMedianOverTheBaselinesMedian() {
		assertThat(figure("ns/op", 12, 5).ratio()).isEqualTo(2.4);
		assertThat(figure("B/op", 384, 256).ratio()).isEqualTo(1.5);
	}

	@Test
	void bytesAllocatedHaveNoRatioAgainstABaselineThatAllocatesNothing() {
		// JMH's GC profiler reports an allocation-free baseline as a few hundred-thousandths of a byte.
		assertThat(figure("B/op", 384, 0.000048).ratio()).isNaN();
		assertThat(figure("B/op", 0.000031, 0.000048).ratio()).isNaN();
		assertThat(figure("ns/op", 0.5, 0.25).ratio()).isEqualTo(2.0);
	}

	@Test
	void aBaselineRowHasNoRatio() {
		assertThat(new Figure("1. Lookup", "floor", "baseline", "ns/op", 3, 5, 6, null, Double.NaN).ratio()).isNaN();
	}

	private static Figure figure(String unit, double median, double baselineMedian) {
		return new Figure("1. Lookup", "etcd-discovery", "etcdGetInstances (1 instances)", unit, 3, median, median,
				"ConcurrentHashMap.get", baselineMedian);
	}

}
