package io.github.etcddiscovery.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.benchmarks.systems.Registry;

/**
 * The side-by-side table of a run (the one the README shows): lookup and propagation medians,
 * one column per system and settings, each cell with its ratio to the row's baseline.
 */
final class SideBySide {

	private static final List<String> PREFIXES = List.of("etcd", "zookeeper", "eureka");

	private SideBySide() {
	}

	static String table(List<Figure> figures) {
		Map<String, Map<String, Figure>> rows = new LinkedHashMap<>();
		for (Figure figure : figures) {
			boolean aSystem = java.util.Arrays.stream(Registry.values()).anyMatch(r -> r.label().equals(figure.system()));
			if (figure.baseline() == null || !aSystem
					|| !(figure.section().startsWith("1.") || figure.section().startsWith("2."))) {
				continue;
			}
			if (figure.metric().contains("BeforeMemo")) {
				continue;
			}
			String row = row(figure);
			rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(figure.system(), figure);
		}
		StringBuilder md = new StringBuilder("| median (ratio to same-run baseline) |");
		for (Registry registry : Registry.values()) {
			md.append(' ').append(registry.label()).append(" |");
		}
		md.append("\n| --- |").append(" ---: |".repeat(Registry.values().length)).append('\n');
		rows.forEach((row, bySystem) -> {
			md.append("| ").append(row).append(" |");
			for (Registry registry : Registry.values()) {
				Figure f = bySystem.get(registry.label());
				md.append(' ').append((f == null || !f.hasValues()) ? "-" : cell(f)).append(" |");
			}
			md.append('\n');
		});
		return md.toString();
	}

	private static String row(Figure figure) {
		String metric = figure.metric();
		for (String prefix : PREFIXES) {
			if (metric.startsWith(prefix)) {
				metric = Character.toLowerCase(metric.charAt(prefix.length())) + metric.substring(prefix.length() + 1);
				break;
			}
		}
		return metric + ", " + figure.unit();
	}

	private static String cell(Figure f) {
		String median = (f.median() >= 100) ? String.format("%,.0f", f.median()) : String.format("%.2f", f.median());
		return Double.isNaN(f.ratio()) ? median : median + String.format(" (%.1fx)", f.ratio());
	}

}
