package io.github.etcddiscovery.reliability;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.health.EtcdHealthIndicator.ETCD_DOWN;
import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.WATCH_ONLY;
import static io.github.etcddiscovery.reliability.Observed.awaitKeptAlive;
import static io.github.etcddiscovery.reliability.Observed.bytes;
import static io.github.etcddiscovery.reliability.Observed.client;
import static io.github.etcddiscovery.reliability.Observed.entry;
import static io.github.etcddiscovery.reliability.Observed.get;
import static io.github.etcddiscovery.reliability.Observed.keyValue;
import static io.github.etcddiscovery.reliability.Observed.leaseId;
import static io.github.etcddiscovery.reliability.Observed.registered;
import static io.github.etcddiscovery.reliability.Observed.registry;
import static io.github.etcddiscovery.reliability.Observed.remainingTtl;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.state;
import static io.github.etcddiscovery.reliability.Observed.status;
import static io.github.etcddiscovery.reliability.Observed.ttl;
import static io.github.etcddiscovery.reliability.Observed.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one etcd of the applications crashes, freezes, or comes back without its data; each
 * time the registrations and the views end up exactly as they were.
 */
class EtcdOutageTest {

	private static final String PREFIX = "/services";

	private static final Duration RESYNC_INTERVAL = Duration.ofSeconds(1);

	private EtcdServer etcd;

	private TestApps apps;

	/** A client of the restarted etcd, made after the restart. */
	private Client client;

	@BeforeAll
	static void needsLocalEtcd() {
		Observed.assumeLocalEtcdBinary();
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.client, this.apps, this.etcd);
	}

	@Test
	void aCrashShorterThanTheTtlLeavesEveryInstanceRegisteredExactlyOnce() {
		Duration ttl = Duration.ofSeconds(3);
		startEtcd("short-crash");
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(ttl), REQUEST_TIMEOUT_1S, WATCH_ONLY);
		ConfigurableApplicationContext billing = this.apps.start("billing", ttl(ttl), REQUEST_TIMEOUT_1S, WATCH_ONLY);
		String ordersKey = this.apps.keyOf(orders);
		await().until(() -> view(billing).size() == 2);
		awaitKeptAlive(orders, billing);
		long leaseBefore = leaseId(orders);

		long crashedAt = System.nanoTime();
		this.etcd.kill();
		this.etcd.restart();
		Duration outage = since(crashedAt);
		assertThat(outage).as("etcd is back before the TTL runs out").isLessThan(ttl);

		this.client = client(this.etcd.clientEndpoint());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registered(orders, this.client, ordersKey)
					&& registered(billing, this.client, this.apps.keyOf(billing)));
		Duration recovered = since(crashedAt);
		await().atMost(Duration.ofSeconds(5)).until(() -> status(orders) == Status.UP && status(billing) == Status.UP);

		assertThat(registry(this.client, PREFIX)).containsExactlyInAnyOrder(expectedEntry(orders),
				expectedEntry(billing));
		assertThat(view(billing)).isEqualTo(registry(this.client, PREFIX));
		assertThat(view(orders)).isEqualTo(registry(this.client, PREFIX));
		assertThat(remainingTtl(this.client, keyValue(this.client, ordersKey).getLease())).isPositive();
		report("short crash: outage", outage);
		report("short crash: both registered again after the crash", recovered);
		report("short crash: orders kept its lease", leaseId(orders) == leaseBefore);
		report("short crash: orders recoveries", Observed.recoveries(orders));
	}

	@Test
	void aCrashLongerThanTheTtlTakesHealthDownAndTheInstanceIsBackWithinTwoSecondsOfEtcdAnswering() {
		crashLongerThanTheTtl(Duration.ofSeconds(2));
	}

	@Test
	void aFreezeLongerThanTheTtlTakesHealthDownAndTheInstanceIsBackWithinTwoSecondsOfEtcdAnswering() {
		Duration ttl = Duration.ofSeconds(2);
		startEtcd("long-freeze");
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(ttl), REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		awaitKeptAlive(orders);

		long frozenAt = System.nanoTime();
		this.etcd.pause();

		// A frozen etcd keeps its connections open: only the missing keep-alive answers tell.
		await().atMost(Duration.ofSeconds(5)).until(() -> "RECOVERING".equals(state(orders)));
		assertThat(status(orders)).isEqualTo(ETCD_DOWN);
		Duration downAfter = since(frozenAt);
		await().until(() -> since(frozenAt).compareTo(ttl.plusSeconds(1)) > 0);

		this.etcd.resume();
		long answeringAt = System.nanoTime();

		assertBackWithin(Duration.ofSeconds(2), "long freeze (SIGSTOP)", orders, key, answeringAt, ttl);
		report("long freeze: health DOWN after", downAfter);
	}

	@Test
	void etcdThatLostItsDataGetsEveryRunningInstanceBackAndTheViewsConvergeToExactlyThose() {
		List<ConfigurableApplicationContext> both = wipeUnderTwoApplications();
		long convergingFrom = System.nanoTime();

		// The watch sees etcd's revision go back and lists again; the drift check is the net.
		await().atMost(RESYNC_INTERVAL.plusSeconds(4)).untilAsserted(() -> {
			for (ConfigurableApplicationContext app : both) {
				assertThat(view(app)).as("the view of " + app.getId()).isEqualTo(registry(this.client, PREFIX));
			}
		});
		report("wiped etcd: views exact after both registered again", since(convergingFrom));
		for (ConfigurableApplicationContext app : both) {
			assertThat(view(app)).containsExactlyInAnyOrder(expectedEntry(both.get(0)), expectedEntry(both.get(1)));
		}
	}

	@Test
	void aViewFollowsAnEtcdThatLostItsDataAndWasRefilledWithAsManyInstances() {
		startEtcd("refilled");
		ConfigurableApplicationContext watcher = this.apps.start("watcher", ttl(Duration.ofSeconds(3)),
				REQUEST_TIMEOUT_1S, "spring.cloud.etcd.discovery.resync-interval=" + RESYNC_INTERVAL.toMillis() + "ms");
		String watcherKey = this.apps.keyOf(watcher);
		String watcherValue = this.apps.etcd().value(watcherKey);
		for (int round = 0; round < 5; round++) {
			for (int i = 1; i <= 3; i++) {
				this.apps.etcd().put(PREFIX + "/old/old-" + i, instanceValue(7000 + round * 10 + i));
			}
		}
		await().until(() -> view(watcher).size() == 4);

		this.etcd.restartEmpty();
		this.client = client(this.etcd.clientEndpoint());
		// As many keys as before, whenever the application gets to look again.
		get(this.client.getKVClient().put(bytes(watcherKey), bytes(watcherValue)));
		for (int i = 1; i <= 3; i++) {
			get(this.client.getKVClient().put(bytes(PREFIX + "/new/new-" + i), bytes(instanceValue(8000 + i))));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> registered(watcher, this.client, watcherKey));

		await().atMost(RESYNC_INTERVAL.multipliedBy(5))
			.untilAsserted(() -> assertThat(view(watcher)).isEqualTo(registry(this.client, PREFIX)));
		assertThat(view(watcher)).containsExactlyInAnyOrder(expectedEntry(watcher),
				entry("new", "new-1", "127.0.0.1:8001", "UP"), entry("new", "new-2", "127.0.0.1:8002", "UP"),
				entry("new", "new-3", "127.0.0.1:8003", "UP"));
	}

	/**
	 * Two instances and a leftover registration of a long gone process; etcd then loses its
	 * data, and both instances register again.
	 */
	private List<ConfigurableApplicationContext> wipeUnderTwoApplications() {
		Duration ttl = Duration.ofSeconds(3);
		startEtcd("wiped");
		String resync = "spring.cloud.etcd.discovery.resync-interval=" + RESYNC_INTERVAL.toMillis() + "ms";
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(ttl), REQUEST_TIMEOUT_1S, resync);
		ConfigurableApplicationContext billing = this.apps.start("billing", ttl(ttl), REQUEST_TIMEOUT_1S, resync);
		this.apps.etcd().put(PREFIX + "/legacy/legacy-1", instanceValue(9999));
		await().until(() -> view(orders).size() == 3 && view(billing).size() == 3);
		awaitKeptAlive(orders, billing);

		long wipedAt = System.nanoTime();
		this.etcd.restartEmpty();
		Duration restart = since(wipedAt);

		this.client = client(this.etcd.clientEndpoint());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registered(orders, this.client, this.apps.keyOf(orders))
					&& registered(billing, this.client, this.apps.keyOf(billing)));
		report("wiped etcd: restart took", restart);
		report("wiped etcd: both registered again after the wipe began", since(wipedAt));
		assertThat(registry(this.client, PREFIX)).containsExactlyInAnyOrder(expectedEntry(orders),
				expectedEntry(billing));
		await().atMost(Duration.ofSeconds(2)).until(() -> status(orders) == Status.UP && status(billing) == Status.UP);
		return List.of(orders, billing);
	}

	private void crashLongerThanTheTtl(Duration within) {
		Duration ttl = Duration.ofSeconds(2);
		startEtcd("long-crash");
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(ttl), REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		awaitKeptAlive(orders);

		long crashedAt = System.nanoTime();
		this.etcd.kill();

		await().atMost(Duration.ofSeconds(3)).until(() -> status(orders).equals(ETCD_DOWN));
		Duration downAfter = since(crashedAt);
		await().atMost(Duration.ofSeconds(5)).until(() -> "RECOVERING".equals(state(orders)));
		await().until(() -> since(crashedAt).compareTo(ttl.plusSeconds(1)) > 0);
		assertThat(status(orders)).isEqualTo(ETCD_DOWN);

		this.etcd.restart();
		long answeringAt = System.nanoTime();
		Duration outage = Duration.ofNanos(answeringAt - crashedAt);

		assertBackWithin(within, "long crash (SIGKILL)", orders, key, answeringAt, ttl);
		report("long crash: health DOWN after", downAfter);
		report("long crash: outage", outage);
	}

	private void assertBackWithin(Duration within, String fault, ConfigurableApplicationContext app, String key,
			long answeringAt, Duration ttl) {
		this.client = client(this.etcd.clientEndpoint());
		// Generous bound so that a miss is measured rather than cut off; asserted below.
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> registered(app, this.client, key));
		Duration back = since(answeringAt);
		report(fault + ": registered again after etcd answered", back);

		assertThat(back).as("registered again after etcd answered").isLessThan(within);
		await().atMost(Duration.ofSeconds(2)).until(() -> status(app) == Status.UP);
		// Kept alive from now on, not just written once: still there after a whole TTL.
		long lease = leaseId(app);
		await().during(ttl.plusMillis(500))
			.atMost(ttl.plusSeconds(2))
			.until(() -> registered(app, this.client, key) && leaseId(app) == lease);
		assertThat(registry(this.client, PREFIX)).containsExactly(expectedEntry(app));
		assertThat(remainingTtl(this.client, lease)).isPositive();
	}

	private void startEtcd(String name) {
		this.etcd = EtcdServer.builder().name(name).requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), PREFIX);
	}

	private static String instanceValue(int port) {
		return "{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"status\":\"UP\"}";
	}

	private static String expectedEntry(ConfigurableApplicationContext app) {
		return entry(TestApps.registration(app).getServiceId(), TestApps.registration(app).getInstanceId(),
				"127.0.0.1:" + TestApps.port(app), "UP");
	}

}
