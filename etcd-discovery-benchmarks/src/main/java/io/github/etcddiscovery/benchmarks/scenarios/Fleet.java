package io.github.etcddiscovery.benchmarks.scenarios;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.systems.Servers;

/**
 * Figure 6: what a fleet of watching applications costs etcd, under churn of a 10,000-instance
 * registry, read from etcd's own {@code /metrics}. The applications are lightweight watchers
 * (plain jetcd watches spread over a few clients, with previous values as the starter asks),
 * in two shapes: each mirroring the whole prefix (what the starter does today), or each
 * watching only five services (a per-service watch). A phase with no watchers is the
 * baseline; the same churn runs in every phase. {@link StarterFleet} then measures the
 * starter's own two modes under the same churn.
 */
public final class Fleet {

	static final String SECTION = "6. Scale of the fleet";

	private static final int SERVICES_PER_APP = 5;

	private Fleet() {
	}

	public static void run(Servers servers, Report report, Profile profile) throws Exception {
		Client writer = servers.etcdClient();
		String endpoint = servers.etcd().clientEndpoint();
		ScaleData data = new ScaleData(writer, "/fleet", profile.scaleServices());
		data.writeAll();
		int watchers = profile.smoke() ? 10 : 200;
		int rate = profile.smoke() ? 50 : 200;
		Duration churn = profile.smoke() ? Duration.ofSeconds(1) : Duration.ofSeconds(6);
		String size = watchers + " apps, " + data.instances() + " instances, " + rate + " changes/s";

		Phase none = phase(endpoint, data, rate, churn, 0, false);
		Phase mirror = phase(endpoint, data, rate, churn, watchers, false);
		Phase perService = phase(endpoint, data, rate, churn, watchers, true);

		add(report, "etcd, no watchers", "baseline", none, null);
		add(report, "full mirror (" + size + ")", "full mirror", mirror, none);
		add(report, "per-service watch, " + SERVICES_PER_APP + " services each (" + size + ")", "per-service", perService,
				none);
		report.note(SECTION, String.format(
				"Bytes etcd sent per change and watching app: full mirror %.0f B, per-service %.0f B "
						+ "(per-service apps receive only changes of their %d services: %.1f%% of the changes here).",
				mirror.bytesPerEvent() / watchers, perService.bytesPerEvent() / watchers, SERVICES_PER_APP,
				100.0 * SERVICES_PER_APP / data.services()));
		report.note(SECTION, String.format("Fleet sizing from these numbers: etcd sends about changes/s x apps x "
				+ "%.0f B for a full mirror. E.g. 100 apps x 10,000 instances with 100 changes/s: %.1f MB/s; "
				+ "1,000 apps: %.1f MB/s. The apps' heap: apps x instances x the retained bytes per instance of figure 5.",
				mirror.bytesPerEvent() / watchers, 100 * 100 * mirror.bytesPerEvent() / watchers / 1e6,
				100 * 1000 * mirror.bytesPerEvent() / watchers / 1e6));
		StarterFleet.run(endpoint, data, report, profile, rate, churn, none);
	}

	static void add(Report report, String system, String label, Phase phase, Phase baseline) {
		report.add(figure(system, label + ": etcd CPU per 1,000 changes", "ms", phase.cpuMillisPerThousand(),
				baseline == null ? Double.NaN : baseline.cpuMillisPerThousand()));
		report.add(figure(system, label + ": bytes sent by etcd per change", "B", phase.bytesPerEvent(),
				baseline == null ? Double.NaN : baseline.bytesPerEvent()));
		report.add(figure(system, label + ": etcd resident memory", "MB", phase.residentMb(),
				baseline == null ? Double.NaN : baseline.residentMb()));
		report.add(figure(system, label + ": watchers etcd counts", "", phase.watchers(),
				baseline == null ? Double.NaN : baseline.watchers()));
	}

	private static Figure figure(String system, String metric, String unit, double value, double baseline) {
		return new Figure(SECTION, system, metric, unit, 1, value, value, Double.isNaN(baseline) ? null : "no watchers",
				baseline);
	}

	record Phase(double cpuMillisPerThousand, double bytesPerEvent, double residentMb, double watchers) {
	}

	private static Phase phase(String endpoint, ScaleData data, int rate, Duration churn, int watchers,
			boolean perService) throws Exception {
		List<Client> clients = new ArrayList<>();
		List<Watch.Watcher> watches = new ArrayList<>();
		AtomicLong events = new AtomicLong();
		try {
			for (int i = 0; i < Math.min(10, watchers); i++) {
				clients.add(Client.builder().endpoints(endpoint).build());
			}
			for (int app = 0; app < watchers; app++) {
				Client client = clients.get(app % clients.size());
				List<String> prefixes = new ArrayList<>();
				if (perService) {
					for (int s = 0; s < SERVICES_PER_APP; s++) {
						prefixes.add("/fleet/service-" + ThreadLocalRandom.current().nextInt(data.services()) + "/");
					}
				}
				else {
					prefixes.add("/fleet/");
				}
				for (String prefix : prefixes) {
					ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
					watches.add(client.getWatchClient()
						.watch(key, WatchOption.builder().withPrefix(key).withPrevKV(true).build(),
								Watch.listener(response -> events.addAndGet(response.getEvents().size()))));
				}
			}
			return measure(endpoint, data, rate, churn);
		}
		finally {
			watches.forEach(Watch.Watcher::close);
			clients.forEach(Client::close);
		}
	}

	/** etcd's cost of the churn with whatever watches are open now. */
	static Phase measure(String endpoint, ScaleData data, int rate, Duration churn) throws Exception {
		Thread.sleep(1000);
		EtcdMetrics before = EtcdMetrics.read(endpoint);
		long changes = churn(data, rate, churn);
		Thread.sleep(500);
		EtcdMetrics after = EtcdMetrics.read(endpoint);
		return new Phase((after.cpuSeconds() - before.cpuSeconds()) * 1e6 / changes,
				(after.sentBytes() - before.sentBytes()) / changes, after.residentBytes() / 1e6, after.watchers());
	}

	/** Changes random instances at {@code rate} per second for {@code time}; returns how many. */
	private static long churn(ScaleData data, int rate, Duration time) throws Exception {
		long interval = 1_000_000_000L / rate;
		long start = System.nanoTime();
		long end = start + time.toNanos();
		List<CompletableFuture<?>> sent = new ArrayList<>();
		long version = System.nanoTime();
		while (System.nanoTime() < end) {
			long due = start + sent.size() * interval;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			sent.add(data.put(ThreadLocalRandom.current().nextInt(data.services()),
					ThreadLocalRandom.current().nextInt(ScaleData.INSTANCES_PER_SERVICE), version++)
				.handle((put, error) -> (error == null) ? 1 : 0));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		// Only the changes etcd made count; a write a loaded etcd timed out made none.
		long made = 0;
		for (CompletableFuture<?> done : sent) {
			made += (Integer) done.get();
		}
		return Math.max(1, made);
	}

}
