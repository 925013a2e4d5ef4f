package io.github.etcddiscovery.benchmarks.scenarios;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.systems.Servers;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryProperties;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.mirror.PrefixMirror;

/**
 * Figure 5: one new application facing a large registry (10 instances per service, 1,000
 * services in the quick profile: 10,000 instances). Measured on the discovery cache itself,
 * the part of the starter that holds the view:
 * <ul>
 * <li>cold sync: {@code afterPropertiesSet} (list every key at one revision, decode, build
 * snapshots, start the watch), against a plain jetcd paged listing of the same keys;</li>
 * <li>retained heap per instance (JOL's object graph of the cache's maps and snapshots),
 * against the key and value bytes etcd holds per instance;</li>
 * <li>the periodic drift check when nothing changed, against one plain count-only get;</li>
 * <li>changes applied per second while staying under 100 ms behind: each put's revision is
 * timed from sending to the cache reaching it, and to a plain watch on the same prefix
 * seeing it (the floor), at increasing rates.</li>
 * </ul>
 */
public final class Scale {

	static final String SECTION = "5. Scale of one application";

	private Scale() {
	}

	public static void run(Servers servers, Report report, Profile profile) throws Exception {
		Client client = servers.etcdClient();
		String prefix = "/scale";
		ScaleData data = new ScaleData(client, prefix, profile.scaleServices());
		data.writeAll();
		int instances = data.instances();
		String system = "etcd-discovery (" + instances + " instances, " + data.services() + " services)";
		EtcdDiscoveryProperties properties = new EtcdDiscoveryProperties();
		properties.setResyncInterval(Duration.ofHours(1));
		EtcdProperties etcdProperties = new EtcdProperties();
		EtcdKeyspace keyspace = new EtcdKeyspace(null, prefix);

		Samples cold = new Samples();
		Samples listing = new Samples();
		int runs = Math.max(1, profile.overheadRuns());
		for (int run = 0; run < runs + 1; run++) {
			long listed = listAll(client, prefix);
			EtcdDiscoveryCache cache = new EtcdDiscoveryCache(client, etcdProperties, properties, keyspace);
			long start = System.nanoTime();
			cache.afterPropertiesSet();
			cache.afterSingletonsInstantiated();
			long synced = System.nanoTime() - start;
			if (cache.services().size() != data.services()) {
				throw new IllegalStateException("Cold sync saw " + cache.services().size() + " services");
			}
			cache.destroy();
			if (run > 0) {
				cold.addNanosAsMillis(synced);
				listing.addNanosAsMillis(listed);
			}
		}
		report.add(Figure.baseline(SECTION, "etcd (raw jetcd)", "floor: paged listing of every key", "ms", listing));
		report.add(Figure.of(SECTION, system, "cold sync (list, decode, snapshots, watch)", "ms", cold,
				"paged listing", listing));

		EtcdDiscoveryCache cache = new EtcdDiscoveryCache(client, etcdProperties, properties, keyspace);
		cache.afterPropertiesSet();
		cache.afterSingletonsInstantiated();
		try {
			Samples heap = new Samples();
			heap.add((double) ViewHeap.retained(cache) / instances);
			Samples etcdBytes = new Samples();
			etcdBytes.add((double) data.bytes() / instances);
			report.add(Figure.baseline(SECTION, "etcd", "floor: key + value bytes per instance in etcd", "B",
					etcdBytes));
			report.add(Figure.of(SECTION, system, "retained heap per instance (JOL)", "B", heap,
					"key+value bytes", etcdBytes));

			driftCheck(client, prefix, cache, report, system, runs * 10);
			eventRate(client, data, cache, report, system, profile);
		}
		finally {
			cache.destroy();
		}
	}

	private static long listAll(Client client, String prefix) throws Exception {
		long start = System.nanoTime();
		ByteSequence from = ByteSequence.from(prefix + "/", StandardCharsets.UTF_8);
		ByteSequence end = OptionsUtil.prefixEndOf(from);
		long revision = 0;
		while (true) {
			var page = client.getKVClient()
				.get(from, GetOption.builder().withRange(end).withLimit(500).withRevision(revision).build())
				.get(30, TimeUnit.SECONDS);
			revision = page.getHeader().getRevision();
			if (!page.isMore() || page.getKvs().isEmpty()) {
				return System.nanoTime() - start;
			}
			byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
			byte[] next = java.util.Arrays.copyOf(last, last.length + 1);
			from = ByteSequence.from(next);
		}
	}

	/** The periodic check run on the cache's own thread, as its schedule runs it. */
	private static void driftCheck(Client client, String prefix, EtcdDiscoveryCache cache, Report report,
			String system, int runs) throws Exception {
		PrefixMirror mirror = ViewHeap.fullMirror(cache);
		ByteSequence key = ByteSequence.from(prefix + "/", StandardCharsets.UTF_8);
		Samples checks = new Samples();
		Samples counts = new Samples();
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			client.getKVClient()
				.get(key, GetOption.builder().withRange(OptionsUtil.prefixEndOf(key)).withCountOnly(true).build())
				.get(10, TimeUnit.SECONDS);
			counts.addNanosAsMillis(System.nanoTime() - start);
			long revision = cache.getRevision();
			start = System.nanoTime();
			mirror.checkNow().get(30, TimeUnit.SECONDS);
			checks.addNanosAsMillis(System.nanoTime() - start);
			if (cache.getRevision() != revision) {
				throw new IllegalStateException("Nothing changed, yet the drift check listed again");
			}
		}
		report.add(Figure.baseline(SECTION, "etcd (raw jetcd)", "floor: one count-only get of the prefix", "ms", counts));
		report.add(Figure.of(SECTION, system, "resync check when nothing changed", "ms", checks, "count-only get",
				counts));
	}

	/**
	 * Puts at increasing rates for a while each, and times every put from sending to the cache
	 * reaching its revision and to a plain prefix watch seeing it.
	 */
	private static void eventRate(Client client, ScaleData data, EtcdDiscoveryCache cache, Report report,
			String system, Profile profile) throws Exception {
		AtomicLong watched = new AtomicLong();
		ByteSequence prefix = ByteSequence.from("/scale/", StandardCharsets.UTF_8);
		try (Watch.Watcher watcher = client.getWatchClient()
			.watch(prefix, WatchOption.builder().withPrefix(prefix).withPrevKV(true).build(),
					Watch.listener(response -> watched.accumulateAndGet(response.getHeader().getRevision(), Math::max)))) {
			int[] rates = profile.smoke() ? new int[] { 200 } : new int[] { 500, 1000, 2000, 4000 };
			Duration each = profile.smoke() ? Duration.ofMillis(500) : Duration.ofSeconds(3);
			long version = 1;
			int sustained = 0;
			for (int rate : rates) {
				ConcurrentLinkedQueue<Sent> pending = new ConcurrentLinkedQueue<>();
				Samples lag = new Samples();
				Samples floor = new Samples();
				long interval = 1_000_000_000L / rate;
				long start = System.nanoTime();
				long end = start + each.toNanos();
				int sent = 0;
				List<Sent> outstanding = new ArrayList<>();
				List<Sent> all = new ArrayList<>();
				while (System.nanoTime() < end) {
					long due = start + sent * interval;
					if (System.nanoTime() >= due) {
						long sentAt = System.nanoTime();
						data.put(ThreadLocalRandom.current().nextInt(data.services()),
								ThreadLocalRandom.current().nextInt(ScaleData.INSTANCES_PER_SERVICE), version++)
							.thenAccept(put -> pending.add(new Sent(sentAt, put.getHeader().getRevision())));
						sent++;
					}
					else {
						LockSupport.parkNanos(Math.min(200_000, due - System.nanoTime()));
					}
					drain(pending, outstanding, all);
					observe(outstanding, cache.getRevision(), lag);
					observe(all, watched.get(), floor);
				}
				long drainUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while ((!outstanding.isEmpty() || !pending.isEmpty() || !all.isEmpty()) && System.nanoTime() < drainUntil) {
					drain(pending, outstanding, all);
					observe(outstanding, cache.getRevision(), lag);
					observe(all, watched.get(), floor);
					LockSupport.parkNanos(200_000);
				}
				double achieved = sent / (double) each.toNanos() * 1e9;
				report.add(Figure.of(SECTION, system, String.format("put -> applied at %d events/s (achieved %.0f/s)", rate,
						achieved), "ms", lag, "plain watch", floor));
				if (lag.count() > 0 && lag.p99() < 100 && achieved >= 0.9 * rate) {
					sustained = rate;
				}
			}
			report.note(SECTION, "Highest rate applied with p99 under 100 ms behind: "
					+ (sustained > 0 ? sustained + " events/s" : "none of the rates tried")
					+ " (rates are limited by one writer on the same 2 cores; 'achieved' says what was sent).");
		}
	}

	private static <T> void drain(ConcurrentLinkedQueue<T> from, List<T> into, List<T> also) {
		for (T item = from.poll(); item != null; item = from.poll()) {
			into.add(item);
			also.add(item);
		}
	}

	/** Removes the puts {@code revision} covers, adding how long each took since it was sent. */
	private static void observe(List<Sent> outstanding, long revision, Samples lag) {
		long now = System.nanoTime();
		outstanding.removeIf(sent -> {
			if (sent.revision() <= revision) {
				lag.addNanosAsMillis(now - sent.sentAt());
				return true;
			}
			return false;
		});
	}

	/** One put: when it was sent, and the revision etcd gave it. */
	private record Sent(long sentAt, long revision) {
	}

}
