package io.github.etcddiscovery.benchmarks;

/**
 * How many samples each scenario takes. {@code smoke} only proves every scenario still
 * produces its figures (the test in {@code ./mvnw verify}); {@code quick} is the README's
 * under-10-minutes run on 2 cores; {@code full} takes longer for tighter figures.
 *
 * @param propagationCycles register/deregister cycles of etcd and of the peers' fastest settings
 * @param eurekaCycles cycles of Eureka's fastest settings (each waits for a 1 s registry fetch)
 * @param defaultCycles cycles of the peers' defaults (each waits for 30-90 s of caches)
 * @param jmhIterations JMH measurement iterations (warm-up as many): 0.6 s each (warm-up 0.4 s)
 * in quick, 1 s (0.7 s) in full, 50 ms in smoke
 * @param scaleServices services of the scale figure (10 instances each)
 * @param overheadRuns runs of each call loop of the overhead figure (and cold syncs of the scale figure)
 * @param startupRuns whole-process starts of each variant (with the starter, discovery off) of
 * the overhead figure, alternated; each is a JVM of about 4 s
 * @param crashRuns providers killed per system in the crash figure (Eureka's defaults, minutes
 * each: one)
 */
public record Profile(String name, int propagationCycles, int eurekaCycles, int defaultCycles, int jmhIterations,
		int scaleServices, int overheadRuns, int startupRuns, int crashRuns) {

	public static Profile named(String name) {
		return switch (name) {
			case "smoke" -> new Profile(name, 3, 1, 0, 1, 10, 1, 1, 1);
			case "quick" -> new Profile(name, 500, 10, 1, 3, 1000, 2, 5, 1);
			case "full" -> new Profile(name, 2000, 60, 3, 5, 1000, 7, 9, 5);
			default -> throw new IllegalArgumentException("Profile '" + name + "' is not smoke, quick or full");
		};
	}

	public boolean smoke() {
		return "smoke".equals(this.name);
	}

	public boolean full() {
		return "full".equals(this.name);
	}

}
