package io.github.etcddiscovery.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringBootVersion;

/**
 * Writes a run's {@link Report} as {@code RESULTS.md} (machine, versions, load, one table per
 * figure with median, p99 and ratio to its same-run baseline, notes) and its chart as PNG.
 */
public final class ResultsWriter {

	private ResultsWriter() {
	}

	public static void write(Report report, Profile profile, Path dir, Instant started, String loadBefore)
			throws IOException {
		Files.createDirectories(dir);
		Path png = dir.resolve("propagation.png");
		PropagationChart.write(report.chartSeries(), png);
		StringBuilder md = new StringBuilder();
		md.append("# etcd-discovery benchmark results\n\n");
		md.append("Written by `Benchmarks` (profile `").append(profile.name()).append("`) on ").append(started)
			.append(", in ").append(Duration.between(started, Instant.now()).toSeconds()).append(" s. ");
		md.append("Every ratio is a median over the median of its baseline measured in this same run, ")
			.append("so that the machine's load cancels out as far as it can.\n\n");
		md.append("## Machine and versions\n\n");
		machine(md, loadBefore);
		md.append("\n## Side by side\n\n").append(SideBySide.table(report.figures()));
		md.append("\n![Propagation distributions](").append(png.getFileName()).append(")\n\n");
		Map<String, List<Figure>> bySection = report.figures()
			.stream()
			.collect(Collectors.groupingBy(Figure::section, java.util.TreeMap::new, Collectors.toList()));
		for (Map.Entry<String, List<Figure>> section : bySection.entrySet()) {
			md.append("## ").append(section.getKey()).append("\n\n");
			md.append("| system | metric | n | median | p99 | unit | ratio to baseline |\n");
			md.append("| --- | --- | ---: | ---: | ---: | --- | --- |\n");
			for (Figure f : section.getValue()) {
				md.append("| ").append(f.system()).append(" | ").append(f.metric()).append(" | ").append(f.count())
					.append(" | ").append(number(f.median())).append(" | ").append(number(f.p99())).append(" | ")
					.append(f.unit()).append(" | ")
					.append(ratio(f))
					.append(" |\n");
			}
			notes(md, report.notes().get(section.getKey()));
		}
		report.notes().forEach((section, lines) -> {
			if (!bySection.containsKey(section)) {
				md.append("## ").append(section).append("\n\n");
				notes(md, lines);
			}
		});
		md.append("## Run time per section\n\n")
			.append("Wall clock; the peers' defaults run on their own threads while the short sections go on.\n\n")
			.append("| section | seconds |\n| --- | ---: |\n");
		report.took().forEach((section, elapsed) -> md.append("| ").append(section).append(" | ")
			.append(elapsed.toSeconds()).append(" |\n"));
		md.append('\n');
		report.errors().forEach((section, error) -> md.append("## ").append(section).append(": FAILED\n\n    ")
			.append(error).append("\n\n"));
		Files.writeString(dir.resolve("RESULTS.md"), md.toString(), StandardCharsets.UTF_8);
	}

	private static void notes(StringBuilder md, List<String> lines) {
		if (lines != null) {
			md.append('\n');
			synchronized (lines) {
				lines.forEach(line -> md.append("- ").append(line).append('\n'));
			}
		}
		md.append('\n');
	}

	private static void machine(StringBuilder md, String loadBefore) {
		Runtime runtime = Runtime.getRuntime();
		md.append("- CPU: ").append(cpuModel()).append(", ").append(runtime.availableProcessors())
			.append(" cores; memory ").append(totalMemory()).append("; ").append(System.getProperty("os.name"))
			.append(' ').append(System.getProperty("os.version")).append('\n');
		md.append("- Load average (1 min) before the run: ").append(loadBefore).append(", after: ")
			.append(loadAverage()).append(" (other engineers' builds share these cores)\n");
		md.append("- Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name"))
			.append("), Spring Boot ").append(SpringBootVersion.getVersion()).append(", Spring Cloud Commons ")
			.append(version("org.springframework.cloud.client.discovery.DiscoveryClient")).append('\n');
		md.append("- etcd ").append(Versions.etcd()).append(", jetcd ").append(version("io.etcd.jetcd.Client"))
			.append("; ZooKeeper ").append(Versions.zookeeper()).append(" (Curator TestingServer), Spring Cloud Zookeeper ")
			.append(version("org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient"))
			.append("; Eureka ").append(version("com.netflix.discovery.DiscoveryClient")).append(", Spring Cloud Netflix ")
			.append(version("org.springframework.cloud.netflix.eureka.EurekaDiscoveryClient")).append('\n');
	}

	public static String loadAverage() {
		return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static String version(String className) {
		return Versions.ofJar(className);
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter(l -> l.startsWith("model name"))
				.map(l -> l.substring(l.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	private static String totalMemory() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter(l -> l.startsWith("MemTotal"))
				.map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB")
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String ratio(Figure f) {
		if (f.baseline() == null) {
			return "(baseline)";
		}
		if (f.baselineAllocatesNothing()) {
			return "n/a: " + f.baseline() + " allocates nothing";
		}
		if (Double.isNaN(f.ratio())) {
			return "n/a (" + f.baseline() + " = " + number(f.baselineMedian()) + ")";
		}
		return String.format("%.2fx %s", f.ratio(), f.baseline());
	}

	private static String number(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		return (Math.abs(value) >= 100) ? String.format("%.0f", value) : String.format("%.3f", value);
	}

}
