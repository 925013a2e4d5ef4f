package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.etcddiscovery.testapp.ActuatorHealth;
import io.github.etcddiscovery.testapp.LoadBalancerView;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.discovery.PerServiceWatchIntegrationTest.PER_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code release-unused-after} with {@code watch=per-service}, against real etcd and real
 * applications: a service nothing used for that long is no longer watched nor held, a lookup
 * watches it again, and lookups, load-balanced calls and a subscriber of its load-balanced
 * list keep it held. The idle time here is 1 s, so a release comes 1 to 1.25 s after the
 * last use.
 */
class ServiceReleaseIntegrationTest {

	static final String RELEASE_AFTER_1S = "spring.cloud.etcd.discovery.release-unused-after=1s";

	/** Far longer than the idle time and a sweep, even on a loaded machine. */
	static final Duration RELEASED_WITHIN = Duration.ofSeconds(20);

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void aServiceNotUsedForTheIdleTimeIsReleasedAndTheNextLookupWatchesItAgain() {
		ConfigurableApplicationContext orders = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE, RELEASE_AFTER_1S,
				"management.endpoints.web.exposure.include=health,etcd");
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
		assertThat(discovery.getInstances("orders")).hasSize(1);
		assertThat(cache.holds("orders")).isTrue();
		long revisionHeld = cache.getRevision();
		LoadBalancerView billing = new LoadBalancerView(caller, "billing");

		await().atMost(RELEASED_WITHIN).until(() -> !cache.holds("orders"));
		assertReleasedWatchIsClosed(cache);
		assertThat(cache.services()).containsExactly("billing");
		assertThat(cache.instances("orders")).isEmpty();
		// Health and the actuator see nothing stale or missing: only less held.
		ActuatorHealth health = ActuatorHealth.get(caller, "");
		assertThat(health.statusOf("etcd")).as(health.toString()).isEqualTo("UP");
		assertThat(health.body().toString()).contains("\"watching\":true").contains("\"services\":1");
		assertThat(cache.isConnected()).isTrue();
		assertThat(cache.getRevision()).isGreaterThanOrEqualTo(revisionHeld);
		assertThat(TestApps.get(caller, "/actuator/etcd").body()).doesNotContain("\"orders\"");
		assertThat(discovery.getServices()).contains("orders");

		// A change while released is seen by the next lookup, which answers it at once.
		ConfigurableApplicationContext second = this.apps.start("orders");
		assertThat(discovery.getInstances("orders")).extracting("instanceId")
			.containsExactlyInAnyOrder(TestApps.instanceId(orders), TestApps.instanceId(second));
		// And it is followed again.
		second.close();
		await().until(() -> discovery.getInstances("orders").size() == 1);
		billing.close();
	}

	@Test
	void lookupsBlockingOrReactiveKeepAServiceHeld() {
		this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE, RELEASE_AFTER_1S);
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
		ReactiveDiscoveryClient reactive = caller.getBean(EtcdReactiveDiscoveryClient.class);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
		assertThat(discovery.getInstances("orders")).hasSize(1);

		// Four idle times of lookups 200 ms apart: the service is held before every one that
		// follows the last by less than the idle time.
		int[] calls = { 0 };
		assertThat(timesNotHeldWhileUsed(cache, Duration.ofSeconds(4), () -> {
			if (calls[0]++ % 2 == 0) {
				assertThat(discovery.getInstances("orders")).hasSize(1);
			}
			else {
				assertThat(reactive.getInstances("orders").collectList().block()).hasSize(1);
			}
		})).isZero();
		await().atMost(RELEASED_WITHIN).until(() -> !cache.holds("orders"));
	}

	@Test
	void aSubscriberOfItsLoadBalancedListKeepsAServiceHeldAndGetsItsChanges() {
		this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE, RELEASE_AFTER_1S);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);

		try (LoadBalancerView view = new LoadBalancerView(caller, "orders")) {
			await().until(() -> cache.holds("orders"));
			// Three idle times and more without a lookup: still held, still pushed.
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> cache.holds("orders"));
			long since = System.nanoTime();
			ConfigurableApplicationContext second = this.apps.start("orders");
			view.awaitOfferWith(TestApps.instanceId(second), since);
		}
		await().atMost(RELEASED_WITHIN).until(() -> !cache.holds("orders"));
	}

	@Test
	void loadBalancedCallsKeepAServiceHeldAndAfterAReleaseReadItAgain() {
		ConfigurableApplicationContext first = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE, RELEASE_AFTER_1S);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
		assertThat(TestApps.instancesReached(caller, "orders", 3)).containsExactly(TestApps.instanceId(first));

		// Each call subscribes to the list for a moment: calls 200 ms apart keep it held.
		assertThat(timesNotHeldWhileUsed(cache, Duration.ofSeconds(4),
				() -> assertThat(TestApps.instancesReached(caller, "orders", 1))
					.containsExactly(TestApps.instanceId(first))))
			.isZero();

		await().atMost(RELEASED_WITHIN).until(() -> !cache.holds("orders"));
		// While released, the only instance is replaced: the list the supplier replayed is out of date.
		ConfigurableApplicationContext second = this.apps.start("orders");
		first.close();
		assertThat(TestApps.instancesReached(caller, "orders", 5)).isEqualTo(Set.of(TestApps.instanceId(second)));

		// Released again, and held again by a lookup before the next load-balanced call: the
		// supplier, which did not follow the service meanwhile, reads it again all the same.
		await().atMost(RELEASED_WITHIN).until(() -> !cache.holds("orders"));
		ConfigurableApplicationContext third = this.apps.start("orders");
		second.close();
		assertThat(caller.getBean(EtcdDiscoveryClient.class).getInstances("orders")).extracting("instanceId")
			.containsExactly(TestApps.instanceId(third));
		assertThat(TestApps.instancesReached(caller, "orders", 5)).isEqualTo(Set.of(TestApps.instanceId(third)));
	}

	/**
	 * Uses {@code orders} every 200 ms for {@code duration}, and counts the uses before which
	 * it was not held although the last use began less than the idle time (1 s) before: a
	 * release can only come an idle time after the last use began. A loaded machine that
	 * stalls this loop for longer makes those uses count for nothing, never fails the test;
	 * enough of them must still count.
	 */
	private static int timesNotHeldWhileUsed(EtcdDiscoveryCache cache, Duration duration, Runnable use) {
		long idle = Duration.ofSeconds(1).toNanos();
		long end = System.nanoTime() + duration.toNanos();
		AtomicLong lastUse = new AtomicLong(System.nanoTime() - idle);
		AtomicInteger counted = new AtomicInteger();
		AtomicInteger notHeld = new AtomicInteger();
		await().atMost(duration.multipliedBy(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
			boolean held = cache.holds("orders");
			long now = System.nanoTime();
			if (now - lastUse.get() < idle) {
				counted.incrementAndGet();
				if (!held) {
					notHeld.incrementAndGet();
				}
			}
			lastUse.set(now);
			use.run();
			return now >= end;
		});
		assertThat(counted.get()).as("uses that followed the last within the idle time").isGreaterThanOrEqualTo(3);
		return notHeld.get();
	}


	/**
	 * The released service's watch is gone: a change of it is never told, while a change of a
	 * held service made after it is (a subscriber of its load-balanced list keeps it held).
	 */
	private void assertReleasedWatchIsClosed(EtcdDiscoveryCache cache) {
		java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
		ServiceChangeListener listener = (serviceIds) -> told.addAll(serviceIds);
		cache.addListener(listener);
		try {
			this.apps.etcd().put(this.apps.prefix() + "/orders/raw-1", "127.0.0.1:1");
			this.apps.etcd().put(this.apps.prefix() + "/billing/raw-1", "127.0.0.1:1");
			await().atMost(RELEASED_WITHIN).until(() -> told.contains("billing"));
			this.apps.etcd().put(this.apps.prefix() + "/billing/raw-2", "127.0.0.1:1");
			await().atMost(RELEASED_WITHIN).until(() -> cache.instances("billing").size() == 2);
			assertThat(told).doesNotContain("orders");
		}
		finally {
			cache.removeListener(listener);
			this.apps.etcd().delete(this.apps.prefix() + "/orders/raw-1");
		}
	}

}
