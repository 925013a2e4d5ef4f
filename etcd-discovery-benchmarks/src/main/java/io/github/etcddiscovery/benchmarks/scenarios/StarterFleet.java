package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Profile;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryProperties;
import io.github.etcddiscovery.discovery.EtcdDiscoveryProperties.Watch;
import io.github.etcddiscovery.instance.EtcdKeyspace;

/**
 * Figure 6 with the starter itself rather than lightweight watchers: a fleet of real
 * {@link EtcdDiscoveryCache}s (each with its own jetcd client, as applications have), each
 * looking up five services, in {@code watch=all} and in {@code watch=per-service}, under the
 * same churn as {@link Fleet}. Reports etcd's CPU, bytes sent and memory from its
 * {@code /metrics} (ratios to the same churn with no watchers), the heap each application
 * retains for its view (JOL), and what per-service costs in return: the first lookup of a
 * service, and a {@code getServices()} that asks etcd.
 */
final class StarterFleet {

	private static final int SERVICES_PER_APP = 5;

	private StarterFleet() {
	}

	static void run(String endpoint, ScaleData data, Report report, Profile profile, int rate, Duration churn,
			Fleet.Phase none) throws Exception {
		int apps = profile.smoke() ? 3 : ("full".equals(profile.name()) ? 50 : 20);
		String size = apps + " starter apps, " + data.instances() + " instances, " + rate + " changes/s";
		Mode all = mode(endpoint, data, apps, Watch.ALL, rate, churn);
		Mode perService = mode(endpoint, data, apps, Watch.PER_SERVICE, rate, churn);
		add(report, "starter, watch=all (" + size + ")", "watch=all", all, none, null);
		add(report, "starter, watch=per-service, " + SERVICES_PER_APP + " services each (" + size + ")",
				"watch=per-service", perService, none, all);
		report.note(Fleet.SECTION, String.format("The starter's own modes, %d applications: etcd sent %.0f B per "
				+ "change and application with watch=all, %.0f B with watch=per-service; each application held "
				+ "%.0f KB with watch=all, %.1f KB with watch=per-service. Per-service pays a first lookup of "
				+ "%.2f ms median (%.2f ms with watch=all, a read of memory) and a getServices() of %.2f ms "
				+ "(a keys-only read of %d services; %.3f ms from memory with watch=all).", apps,
				all.phase().bytesPerEvent() / apps, perService.phase().bytesPerEvent() / apps,
				all.heapPerApp().median() / 1e3, perService.heapPerApp().median() / 1e3,
				perService.firstLookup().median(), all.firstLookup().median(), perService.getServices().median(),
				data.services(), all.getServices().median()));
	}

	private static void add(Report report, String system, String label, Mode mode, Fleet.Phase none,
			Mode baseline) {
		Fleet.add(report, system, label, mode.phase(), none);
		String than = (baseline != null) ? "watch=all" : null;
		report.add(Figure.of(Fleet.SECTION, system, label + ": heap each application retains for its view (JOL)",
				"B", mode.heapPerApp(), than, (baseline != null) ? baseline.heapPerApp() : null));
		report.add(Figure.of(Fleet.SECTION, system, label + ": startup of the view (afterPropertiesSet)", "ms",
				mode.startup(), than, (baseline != null) ? baseline.startup() : null));
		report.add(Figure.of(Fleet.SECTION, system, label + ": first lookup of a service", "ms", mode.firstLookup(),
				than, (baseline != null) ? baseline.firstLookup() : null));
		report.add(Figure.of(Fleet.SECTION, system, label + ": getServices()", "ms", mode.getServices(), than,
				(baseline != null) ? baseline.getServices() : null));
	}

	private record Mode(Fleet.Phase phase, Samples heapPerApp, Samples startup, Samples firstLookup,
			Samples getServices) {
	}

	private static Mode mode(String endpoint, ScaleData data, int apps, Watch watch, int rate, Duration churn)
			throws Exception {
		EtcdDiscoveryProperties properties = new EtcdDiscoveryProperties();
		properties.setWatch(watch);
		EtcdProperties etcdProperties = new EtcdProperties();
		EtcdKeyspace keyspace = new EtcdKeyspace(null, "/fleet");
		List<Client> clients = new ArrayList<>();
		List<EtcdDiscoveryCache> caches = new ArrayList<>();
		Samples startup = new Samples();
		Samples firstLookup = new Samples();
		Samples getServices = new Samples();
		Samples heap = new Samples();
		try {
			for (int app = 0; app < apps; app++) {
				Client client = Client.builder().endpoints(endpoint).build();
				clients.add(client);
				EtcdDiscoveryCache cache = new EtcdDiscoveryCache(client, etcdProperties, properties, keyspace);
				long start = System.nanoTime();
				cache.afterPropertiesSet();
				cache.afterSingletonsInstantiated();
				startup.addNanosAsMillis(System.nanoTime() - start);
				caches.add(cache);
				for (int s = 0; s < SERVICES_PER_APP; s++) {
					String service = "service-" + ThreadLocalRandom.current().nextInt(data.services());
					start = System.nanoTime();
					int found = cache.lookup(service).all().size();
					firstLookup.addNanosAsMillis(System.nanoTime() - start);
					if (found != ScaleData.INSTANCES_PER_SERVICE) {
						throw new IllegalStateException(watch + ": the first lookup of " + service + " found " + found);
					}
				}
				start = System.nanoTime();
				int services = cache.listServices().size();
				getServices.addNanosAsMillis(System.nanoTime() - start);
				if (services != data.services()) {
					throw new IllegalStateException(watch + ": getServices() listed " + services);
				}
			}
			Fleet.Phase phase = Fleet.measure(endpoint, data, rate, churn);
			// Every application holds the same shape: a few are enough, and JOL is slow on 7 MB graphs.
			for (EtcdDiscoveryCache cache : caches.subList(0, Math.min(5, caches.size()))) {
				heap.add((double) ViewHeap.retained(cache));
			}
			return new Mode(phase, heap, startup, firstLookup, getServices);
		}
		finally {
			caches.forEach(EtcdDiscoveryCache::destroy);
			clients.forEach(Client::close);
		}
	}

}
