package io.github.etcddiscovery.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the propagation distributions of a run as cumulative curves, one per system, on a
 * logarithmic time axis (from under a millisecond for etcd to tens of seconds for caches),
 * with XChart, into a PNG.
 */
final class PropagationChart {

	private PropagationChart() {
	}

	static void write(Map<String, Samples> series, Path png) throws IOException {
		XYChart chart = new XYChartBuilder().width(1000)
			.height(560)
			.title("Registration -> caller's load-balancer list (cumulative share of samples)")
			.xAxisTitle("milliseconds (log scale)")
			.yAxisTitle("% of samples at or below")
			.build();
		chart.getStyler().setXAxisLogarithmic(true);
		chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
		chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
		chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
		for (Map.Entry<String, Samples> entry : series.entrySet()) {
			List<Double> sorted = new ArrayList<>(entry.getValue().values());
			if (sorted.isEmpty()) {
				continue;
			}
			Collections.sort(sorted);
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			for (int i = 0; i < sorted.size(); i++) {
				x.add(Math.max(0.01, sorted.get(i)));
				y.add(100.0 * (i + 1) / sorted.size());
			}
			if (x.size() == 1) {
				x.add(0, x.get(0));
				y.add(0, 0.0);
			}
			XYSeries line = chart.addSeries(entry.getKey() + " (n=" + sorted.size() + ")", x, y);
			line.setMarker(SeriesMarkers.NONE);
		}
		BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

}
