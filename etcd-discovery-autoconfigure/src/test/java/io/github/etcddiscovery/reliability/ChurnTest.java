package io.github.etcddiscovery.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.reliability.Observed.INCLUDE_NOT_UP;
import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.WATCH_ONLY;
import static io.github.etcddiscovery.reliability.Observed.bytes;
import static io.github.etcddiscovery.reliability.Observed.get;
import static io.github.etcddiscovery.reliability.Observed.keyValues;
import static io.github.etcddiscovery.reliability.Observed.registry;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.status;
import static io.github.etcddiscovery.reliability.Observed.ttl;
import static io.github.etcddiscovery.reliability.Observed.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances come and go by the hundred while two applications watch: afterwards both views
 * are exactly what etcd holds, with nothing stale and nothing missing.
 */
class ChurnTest {

	private static final String PREFIX = "/services";

	private static final Duration CHURN_FOR = Duration.ofSeconds(6);

	private static final int MAX_OPERATIONS = 8000;

	private static final int SLOTS = 150;

	private static final int SERVICES = 6;

	private static final int IN_FLIGHT = 16;

	private static final long LEASE_TTL_SECONDS = 2;

	private static final List<String> STATUSES = List.of("UP", "UP", "UP", "DOWN", "OUT_OF_SERVICE");

	private EtcdServer etcd;

	private TestApps apps;

	@BeforeAll
	static void needsLocalEtcd() {
		Observed.assumeLocalEtcdBinary();
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.apps, this.etcd);
	}

	@Test
	void bothViewsEndExactlyAsEtcdAfterHundredsOfInstancesCameAndWent() throws Exception {
		this.etcd = EtcdServer.builder().name("churn").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), PREFIX);
		ConfigurableApplicationContext first = this.apps.start("watcher-a", ttl(Duration.ofSeconds(3)),
				REQUEST_TIMEOUT_1S, INCLUDE_NOT_UP, WATCH_ONLY);
		ConfigurableApplicationContext second = this.apps.start("watcher-b", ttl(Duration.ofSeconds(3)),
				REQUEST_TIMEOUT_1S, INCLUDE_NOT_UP, WATCH_ONLY);
		Client client = this.apps.etcd().jetcd();
		await().until(() -> view(first).size() == 2 && view(second).size() == 2);

		Churn churn = new Churn(client, new Random(42));
		long churningAt = System.nanoTime();
		churn.run(CHURN_FOR, MAX_OPERATIONS);
		Duration churned = since(churningAt);
		assertThat(churn.failures).as("every write was accepted").isEmpty();
		assertThat(churn.puts.keySet()).as("distinct instances registered").hasSizeGreaterThan(100);
		assertThat(churn.deleted.get()).as("instances deleted").isGreaterThan(100);
		assertThat(churn.leasedPuts).as("instances under leases that are revoked or expire").isGreaterThan(100);

		// Leased instances are never renewed: wait until etcd has expired every one of them.
		long expiringFrom = System.nanoTime();
		await().atMost(Duration.ofSeconds(LEASE_TTL_SECONDS + 6))
			.until(() -> keyValues(client, PREFIX).values()
				.stream()
				.map(KeyValue::getLease)
				.noneMatch(churn.leases::contains));
		Duration expired = since(expiringFrom);

		long convergingFrom = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(view(first)).as("watcher-a's view").isEqualTo(registry(client, PREFIX));
			assertThat(view(second)).as("watcher-b's view").isEqualTo(registry(client, PREFIX));
		});
		Duration converged = since(convergingFrom);

		SortedSet<String> inEtcd = registry(client, PREFIX);
		assertThat(inEtcd).as("a non-trivial end state").hasSizeGreaterThan(10);
		assertThat(view(first)).containsExactlyElementsOf(inEtcd);
		assertThat(view(second)).containsExactlyElementsOf(inEtcd);
		assertThat(status(first)).isEqualTo(Status.UP);
		assertThat(status(second)).isEqualTo(Status.UP);

		report("churn: operations", churn.operations + " in " + churned.toMillis() + " ms (puts " + churn.plainPuts
				+ ", leased puts " + churn.leasedPuts + ", deletes " + churn.deletes + " of which " + churn.deleted
				+ " found a key, revokes " + churn.revokes + " of " + churn.leases.size()
				+ " leases, the others expired; distinct instances " + churn.puts.size() + ")");
		report("churn: instances left in etcd", inEtcd.size());
		report("churn: last leased instance expired after the churn", expired);
		report("churn: views equal to etcd after that", converged);
	}

	/** Plain jetcd writes, as other services (or other languages) would make them. */
	private static final class Churn {

		private final Client client;

		private final Random random;

		private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

		private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

		private final Map<String, Boolean> puts = new ConcurrentHashMap<>();

		private final Set<Long> leases = ConcurrentHashMap.newKeySet();

		private final List<Long> revocable = new ArrayList<>();

		private int operations;

		private int plainPuts;

		private int leasedPuts;

		private int deletes;

		private int revokes;

		private final AtomicLong deleted = new AtomicLong();

		private long lease;

		private int leaseUses;

		private long leaseGrantedAt;

		Churn(Client client, Random random) {
			this.client = client;
			this.random = random;
		}

		void run(Duration duration, int maxOperations) throws InterruptedException {
			long deadline = System.nanoTime() + duration.toNanos();
			while (System.nanoTime() < deadline && this.operations < maxOperations) {
				this.inFlight.acquire();
				CompletableFuture<?> operation = next();
				this.operations++;
				operation.whenComplete((result, failure) -> {
					if (failure != null) {
						this.failures.add(failure);
					}
					this.inFlight.release();
				});
			}
			// Everything written is acknowledged before anybody compares.
			assertThat(this.inFlight.tryAcquire(IN_FLIGHT, 10, TimeUnit.SECONDS)).isTrue();
		}

		private CompletableFuture<?> next() {
			int slot = this.random.nextInt(SLOTS);
			String service = "churn-" + (slot % SERVICES);
			String instance = "i-" + slot;
			String key = PREFIX + "/" + service + "/" + instance;
			int dice = this.random.nextInt(1000);
			if (dice < 400) {
				this.plainPuts++;
				this.puts.put(key, true);
				return this.client.getKVClient().put(bytes(key), bytes(value(service, instance)));
			}
			if (dice < 650) {
				this.leasedPuts++;
				this.puts.put(key, true);
				return this.client.getKVClient()
					.put(bytes(key), bytes(value(service, instance)), PutOption.builder().withLeaseId(lease()).build());
			}
			// Rare enough that about half of the leases expire instead.
			if (dice < 994 || this.revocable.isEmpty()) {
				this.deletes++;
				return this.client.getKVClient()
					.delete(bytes(key))
					.thenAccept((response) -> this.deleted.addAndGet(response.getDeleted()));
			}
			this.revokes++;
			long revoked = this.revocable.remove(this.random.nextInt(this.revocable.size()));
			// A lease may already have expired by itself: that is just another way to go.
			return this.client.getLeaseClient().revoke(revoked).handle((response, failure) -> response);
		}

		/**
		 * A new lease every 20 leased puts or every second, so that instances expire in groups,
		 * at different times, and no put uses a lease that already expired.
		 */
		private long lease() {
			if (this.lease == 0 || this.leaseUses == 20 || since(this.leaseGrantedAt).toMillis() > 1000) {
				if (this.lease != 0) {
					this.revocable.add(this.lease);
				}
				this.lease = get(this.client.getLeaseClient().grant(LEASE_TTL_SECONDS)).getID();
				this.leaseGrantedAt = System.nanoTime();
				this.leases.add(this.lease);
				this.leaseUses = 0;
			}
			this.leaseUses++;
			return this.lease;
		}

		private String value(String service, String instance) {
			// The port changes on every write, so that a stale value cannot pass for the current one.
			int port = 10000 + this.operations;
			String status = STATUSES.get(this.random.nextInt(STATUSES.size()));
			return "{\"serviceId\":\"" + service + "\",\"instanceId\":\"" + instance
					+ "\",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"status\":\"" + status + "\"}";
		}

	}

}
