package io.github.etcddiscovery.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run measured: the figures, the distributions drawn in the chart, and notes on how
 * each figure was taken. Scenarios add to it; {@link ResultsWriter} writes it out.
 */
public final class Report {

	private final List<Figure> figures = Collections.synchronizedList(new ArrayList<>());

	private final Map<String, Samples> chartSeries = Collections.synchronizedMap(new LinkedHashMap<>());

	private final Map<String, List<String>> notes = Collections.synchronizedMap(new LinkedHashMap<>());

	private final Map<String, String> errors = Collections.synchronizedMap(new LinkedHashMap<>());

	private final Map<String, java.time.Duration> took = Collections.synchronizedMap(new LinkedHashMap<>());

	public void add(Figure figure) {
		this.figures.add(figure);
		System.out.printf("[benchmark] %-22s %-36s %-52s %10.3f %10.3f %s%s%n", figure.section(), figure.system(),
				figure.metric(), figure.median(), figure.p99(), figure.unit(),
				Double.isNaN(figure.ratio()) ? "" : String.format("  %.2fx %s", figure.ratio(), figure.baseline()));
	}

	/** A propagation distribution for the chart, in milliseconds. */
	public void chart(String series, Samples millis) {
		this.chartSeries.put(series, millis);
	}

	public void note(String section, String text) {
		this.notes.computeIfAbsent(section, s -> Collections.synchronizedList(new ArrayList<>())).add(text);
	}

	/** A scenario that failed: written into RESULTS.md instead of its figures. */
	public void failed(String section, Throwable error) {
		this.errors.put(section, error.toString());
		error.printStackTrace();
	}

	/** How long a section took, wall clock (sections of the peers' defaults overlap the others). */
	public void took(String section, java.time.Duration elapsed) {
		this.took.put(section, elapsed);
		System.out.printf("[benchmark] %s took %d s%n", section, elapsed.toSeconds());
	}

	public Map<String, java.time.Duration> took() {
		synchronized (this.took) {
			return new LinkedHashMap<>(this.took);
		}
	}

	public List<Figure> figures() {
		synchronized (this.figures) {
			return List.copyOf(this.figures);
		}
	}

	public Map<String, Samples> chartSeries() {
		synchronized (this.chartSeries) {
			return new LinkedHashMap<>(this.chartSeries);
		}
	}

	public Map<String, List<String>> notes() {
		return this.notes;
	}

	public Map<String, String> errors() {
		return this.errors;
	}

}
