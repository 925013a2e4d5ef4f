package io.github.etcddiscovery.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.test.EtcdCluster;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.reliability.Observed.INCLUDE_NOT_UP;
import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.WATCH_ONLY;
import static io.github.etcddiscovery.reliability.Observed.awaitKeptAlive;
import static io.github.etcddiscovery.reliability.Observed.bytes;
import static io.github.etcddiscovery.reliability.Observed.client;
import static io.github.etcddiscovery.reliability.Observed.endpoints;
import static io.github.etcddiscovery.reliability.Observed.entry;
import static io.github.etcddiscovery.reliability.Observed.get;
import static io.github.etcddiscovery.reliability.Observed.keyValue;
import static io.github.etcddiscovery.reliability.Observed.leaseId;
import static io.github.etcddiscovery.reliability.Observed.registered;
import static io.github.etcddiscovery.reliability.Observed.registry;
import static io.github.etcddiscovery.reliability.Observed.remainingTtl;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.status;
import static io.github.etcddiscovery.reliability.Observed.ttl;
import static io.github.etcddiscovery.reliability.Observed.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A three-member etcd cluster on loopback loses members under running applications.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdClusterFailoverTest {

	private static final String PREFIX = "/services";

	private EtcdCluster cluster;

	private TestApps apps;

	@BeforeAll
	static void needsLocalEtcd() {
		Observed.assumeLocalEtcdBinary();
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.apps, this.cluster);
	}

	@Test
	void losingTheLeaderKeepsEveryRegistrationAndDiscoveryKeepsWorking() {
		Duration ttl = Duration.ofSeconds(3);
		this.cluster = EtcdCluster.start(3);
		List<String> all = this.cluster.clientEndpoints();
		this.apps = new TestApps(all.get(0), PREFIX);
		ConfigurableApplicationContext orders = this.apps.start("orders", endpoints(all), ttl(ttl), REQUEST_TIMEOUT_1S,
				WATCH_ONLY);
		ConfigurableApplicationContext billing = this.apps.start("billing", endpoints(all), ttl(ttl),
				REQUEST_TIMEOUT_1S, WATCH_ONLY);
		List<String> keys = List.of(this.apps.keyOf(orders), this.apps.keyOf(billing));
		await().until(() -> view(orders).size() == 2 && view(billing).size() == 2);
		awaitKeptAlive(orders, billing);

		EtcdServer oldLeader = this.cluster.leader();
		List<String> survivors = all.stream()
			.filter((endpoint) -> !endpoint.equals(oldLeader.clientEndpoint()))
			.toList();
		try (Client client = client(survivors)) {
			Map<String, Long> leases = leasesOf(client, keys);
			assertThat(leases).containsOnlyKeys(keys).doesNotContainValue(0L);

			long killedAt = System.nanoTime();
			oldLeader.kill();
			EtcdServer newLeader = this.cluster.leader();
			Duration elected = since(killedAt);
			assertThat(newLeader).isNotSameAs(oldLeader);

			// Both keep their keys under the same leases, renewed through the new leader: a lease
			// nobody renews would be gone one TTL after the election.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> status(orders) == Status.UP && status(billing) == Status.UP);
			Duration healthy = since(killedAt);
			await().during(ttl.plusSeconds(1))
				.atMost(ttl.plusSeconds(3))
				.until(() -> leasesOf(client, keys).equals(leases) && registered(orders, client, keys.get(0))
						&& registered(billing, client, keys.get(1)));
			assertThat(leaseId(orders)).isEqualTo(leases.get(keys.get(0)));
			assertThat(leaseId(billing)).isEqualTo(leases.get(keys.get(1)));
			assertThat(remainingTtl(client, leases.get(keys.get(0)))).isPositive();
			assertThat(remainingTtl(client, leases.get(keys.get(1)))).isPositive();

			// An instance that arrives while the old leader is still down is seen by the others.
			long startingAt = System.nanoTime();
			ConfigurableApplicationContext payments = this.apps.start("payments", endpoints(all), ttl(ttl),
					REQUEST_TIMEOUT_1S, WATCH_ONLY);
			String paymentsKey = this.apps.keyOf(payments);
			long startedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> view(orders).contains(expectedEntry(payments))
						&& view(billing).contains(expectedEntry(payments)));
			Duration seen = since(startedAt);

			oldLeader.restart();
			// Linearizable: answers only once the old leader has caught up with what it missed.
			assertThat(oldLeader.etcdctl("get", paymentsKey, "--print-value-only").strip())
				.isEqualTo(keyValue(client, paymentsKey).getValue().toString(StandardCharsets.UTF_8));
			assertThat(this.cluster.leader()).as("all three members agree on a leader").isNotNull();
			assertThat(this.cluster.members()).allMatch(EtcdServer::isRunning);

			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(view(orders)).isEqualTo(registry(client, PREFIX));
				assertThat(view(billing)).isEqualTo(registry(client, PREFIX));
				assertThat(view(payments)).isEqualTo(registry(client, PREFIX));
			});
			assertThat(registry(client, PREFIX)).containsExactlyInAnyOrder(expectedEntry(orders),
					expectedEntry(billing), expectedEntry(payments));
			assertThat(leasesOf(client, keys)).isEqualTo(leases);

			report("leader kill: new leader elected after", elected);
			report("leader kill: both apps healthy again after", healthy);
			report("leader kill: recoveries (orders, billing)",
					Observed.recoveries(orders) + ", " + Observed.recoveries(billing));
			report("leader kill: app started with a dead endpoint in its list, start took",
					Duration.ofNanos(startedAt - startingAt));
			report("leader kill: new app seen by both old apps after", seen);
		}
	}

	@Test
	void aWatcherThatMissedCompactedRevisionsListsAgainAndEndsWithTheExactView(CapturedOutput output) {
		this.cluster = EtcdCluster.start(3);
		// A follower, so that losing it costs no election; the application knows no other member.
		EtcdServer watched = this.cluster.followers().get(0);
		List<String> others = this.cluster.clientEndpointsExcept(watched);
		this.apps = new TestApps(watched.clientEndpoint(), PREFIX);
		// A TTL longer than the member's absence keeps the lease out of the story: this is about the watch.
		ConfigurableApplicationContext watcher = this.apps.start("watcher", ttl(Duration.ofSeconds(10)),
				REQUEST_TIMEOUT_1S, INCLUDE_NOT_UP, WATCH_ONLY);
		try (Client client = client(others)) {
			for (int i = 1; i <= 5; i++) {
				putInstance(client, "stock", "stock-" + i, 7000 + i, "UP");
			}
			await().untilAsserted(() -> assertThat(view(watcher)).isEqualTo(registry(client, PREFIX)));
			long revisionSeen = watcher.getBean(EtcdDiscoveryCache.class).getRevision();

			// The member goes away, taking the application's watch stream with it...
			watched.kill();
			// ...while the others move on, and compact away the history the watch would resume from.
			for (int i = 6; i <= 20; i++) {
				putInstance(client, "stock", "stock-" + i, 7000 + i, (i % 3 == 0) ? "OUT_OF_SERVICE" : "UP");
			}
			for (int i = 1; i <= 3; i++) {
				get(client.getKVClient().delete(bytes(PREFIX + "/stock/stock-" + i)));
			}
			putInstance(client, "stock", "stock-4", 8004, "DOWN");
			putInstance(client, "audit", "audit-1", 9001, "UP");
			long compactTo = putInstance(client, "audit", "audit-2", 9002, "UP");
			get(client.getKVClient().delete(bytes(PREFIX + "/audit/audit-2")));
			this.cluster.members()
				.stream()
				.filter((member) -> member != watched)
				.findFirst()
				.orElseThrow()
				.etcdctl("compact", Long.toString(compactTo));
			assertThat(compactTo).isGreaterThan(revisionSeen + 1);

			long restartedAt = System.nanoTime();
			watched.restart();

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(output.getOut()).contains("etcd watch on " + PREFIX + "/ ended (");
				assertThat(view(watcher)).isEqualTo(registry(client, PREFIX));
			});
			Duration converged = since(restartedAt);
			String ended = output.getOut()
				.lines()
				.filter((line) -> line.contains("etcd watch on " + PREFIX + "/ ended ("))
				.findFirst()
				.orElseThrow();
			assertThat(ended).contains("compacted");
			await().atMost(Duration.ofSeconds(5)).until(() -> status(watcher) == Status.UP);

			assertThat(view(watcher)).isEqualTo(registry(client, PREFIX))
				.contains(entry("stock", "stock-4", "127.0.0.1:8004", "DOWN"),
						entry("stock", "stock-6", "127.0.0.1:7006", "OUT_OF_SERVICE"),
						entry("audit", "audit-1", "127.0.0.1:9001", "UP"))
				.noneMatch((e) -> e.startsWith("stock/stock-1 ") || e.startsWith("audit/audit-2 "))
				.hasSize(1 + 17 + 1); // watcher, stock-4 to stock-20, audit-1
			report("compaction: watch ended with", ended.substring(ended.indexOf("ended (")));
			report("compaction: view exact after the member was restarted", converged);
		}
	}

	private static long putInstance(Client client, String service, String instance, int port, String status) {
		String value = "{\"serviceId\":\"" + service + "\",\"instanceId\":\"" + instance
				+ "\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"status\":\"" + status + "\"}";
		return get(client.getKVClient().put(bytes(PREFIX + "/" + service + "/" + instance), bytes(value)))
			.getHeader()
			.getRevision();
	}

	private static Map<String, Long> leasesOf(Client client, List<String> keys) {
		Map<String, Long> leases = new TreeMap<>();
		for (String key : keys) {
			var kv = keyValue(client, key);
			if (kv != null) {
				leases.put(key, kv.getLease());
			}
		}
		return leases;
	}

	private static String expectedEntry(ConfigurableApplicationContext app) {
		return entry(TestApps.registration(app).getServiceId(), TestApps.registration(app).getInstanceId(),
				"127.0.0.1:" + TestApps.port(app), "UP");
	}

}
