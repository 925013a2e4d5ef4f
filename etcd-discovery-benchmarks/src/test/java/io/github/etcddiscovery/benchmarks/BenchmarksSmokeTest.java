package io.github.etcddiscovery.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario of the benchmarks with tiny counts, so that the harness cannot rot: each
 * must produce its figures (with values) and the run must write RESULTS.md and its chart. It
 * asserts nothing about speed; the benchmark itself is the instrument. The peers' defaults
 * wait 30-90 s for their caches per sample (minutes for a Eureka crash) and are left to the
 * real profiles, so the rolling restart runs here for etcd-discovery only.
 */
class BenchmarksSmokeTest {

	@TempDir
	Path dir;

	@Test
	void everyScenarioProducesItsFigures() throws Exception {
		Report report = Benchmarks.run(Profile.named("smoke"), this.dir);

		assertThat(report.errors()).isEmpty();
		List<Figure> figures = report.figures();
		assertThat(figures).allSatisfy(figure -> assertThat(figure.hasValues()).as(figure.toString()).isTrue());
		Set<String> sections = figures.stream().map(Figure::section).collect(Collectors.toSet());
		assertThat(sections).contains("1. Lookup", "2. Propagation", "3. Crash", "4. Rolling restart",
				"5. Scale of one application",
				"6. Scale of the fleet", "7. Overhead");
		assertThat(figures).filteredOn(figure -> figure.section().equals("3. Crash"))
			.extracting(Figure::system)
			.contains("etcd-discovery", "Spring Cloud Zookeeper (fastest)", "Eureka (fastest)");
		Set<String> systems = figures.stream().map(Figure::system).collect(Collectors.toSet());
		assertThat(systems).contains("etcd-discovery", "Spring Cloud Zookeeper (fastest)", "Eureka (fastest)",
				"etcd (raw jetcd)", "Spring Cloud LoadBalancer (fixed list)", "etcd (vs API floor)");
		assertThat(this.dir.resolve("RESULTS.md")).content().contains("## Side by side", "| etcd-discovery |", "ratio to baseline");
		assertThat(Files.size(this.dir.resolve("propagation.png"))).isPositive();
	}

}
