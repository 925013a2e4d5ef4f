package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcddiscovery.discoveryonly.DiscoveryOnlyApp;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.ActuatorHealth;
import io.github.etcddiscovery.testapp.TestApps;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * {@code spring.cloud.etcd.discovery.watch=per-service}: an application holds only the
 * services it looks up, each watched from its first lookup on, against real etcd and real
 * applications.
 */
@ExtendWith(OutputCaptureExtension.class)
class PerServiceWatchIntegrationTest {

	static final String PER_SERVICE = "spring.cloud.etcd.discovery.watch=per-service";

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void theFirstLookupAnswersWithTheInstancesAndLaterChangesPropagate() {
		ConfigurableApplicationContext first = this.apps.start("orders");
		this.apps.start("billing");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
		ReactiveDiscoveryClient reactive = caller.getBean(EtcdReactiveDiscoveryClient.class);

		// No waiting: the very first lookup of each service answers with its instances.
		assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getInstanceId)
			.containsExactly(TestApps.instanceId(first));
		assertThat(reactive.getInstances("BILLING").collectList().block()).hasSize(1);

		ConfigurableApplicationContext second = this.apps.start("orders");
		await().until(() -> discovery.getInstances("orders").size() == 2);
		second.close();
		await().until(() -> discovery.getInstances("orders").size() == 1);
		assertThat(discovery.getInstances("Orders")).extracting(ServiceInstance::getInstanceId)
			.containsExactly(TestApps.instanceId(first));
	}

	@Test
	void aServiceNobodyLookedUpIsNotHeldButGetServicesListsIt() {
		this.apps.start("orders");
		this.apps.start("billing");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);

		assertThat(discovery.getInstances("orders")).hasSize(1);

		assertThat(cache.services()).containsExactly("orders");
		assertThat(cache.holds("billing")).isFalse();
		assertThat(cache.instances("billing")).isEmpty();
		assertThat(discovery.getServices()).containsExactly("billing", "gateway", "orders");
		assertThat(caller.getBean(EtcdReactiveDiscoveryClient.class).getServices().collectList().block())
			.containsExactly("billing", "gateway", "orders");
		// Listing the services starts no watch.
		assertThat(cache.holds("billing")).isFalse();
		assertThat(cache.holds("orders")).isTrue();
	}

	@Test
	void serviceIdsStillMatchIgnoringCaseAndBadDataIsSkippedWithOneWarning(CapturedOutput output) {
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);
		this.apps.etcd().put(this.apps.prefix() + "/Orders/a", "127.0.0.1:1001");
		this.apps.etcd().put(this.apps.prefix() + "/Orders/bad", "{not json");
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);

		assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort).containsExactly(1001);
		this.apps.etcd().put(this.apps.prefix() + "/Orders/b", "127.0.0.1:1002");
		await().until(() -> discovery.getInstances("ORDERS").size() == 2);
		assertThat(discovery.getServices()).contains("Orders");
		assertThat(output.getOut().split("Skipping etcd key '" + this.apps.prefix() + "/Orders/bad'", -1))
			.hasSize(2);
	}

	@Test
	void loadBalancedCallsReachEveryInstance() {
		ConfigurableApplicationContext first = this.apps.start("orders");
		ConfigurableApplicationContext second = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);

		assertThat(TestApps.instancesReached(caller, "orders", 10))
			.isEqualTo(Set.of(TestApps.instanceId(first), TestApps.instanceId(second)));
		ConfigurableApplicationContext third = this.apps.start("orders");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> TestApps.instancesReached(caller, "orders", 10).contains(TestApps.instanceId(third)));
	}

	@Test
	void healthMetricsAndTheActuatorShowWhatIsHeld() {
		this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE,
				"management.endpoints.web.exposure.include=health,etcd");
		caller.getBean(EtcdDiscoveryClient.class).getInstances("orders");

		ActuatorHealth health = ActuatorHealth.get(caller, "");
		assertThat(health.statusOf("etcd")).as(health.toString()).isEqualTo("UP");
		assertThat(health.body().toString()).contains("\"watching\":true").contains("\"services\":1");
		String view = TestApps.get(caller, "/actuator/etcd").body();
		assertThat(view).contains("\"orders\"").doesNotContain("\"gateway\":[");
	}

	@Test
	void heartbeatEventsAndMetricsFollowTheServicesHeld() {
		this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);
		List<HeartbeatEvent> heartbeats = new CopyOnWriteArrayList<>();
		caller.addApplicationListener((ApplicationListener<HeartbeatEvent>) heartbeats::add);
		MeterRegistry meters = caller.getBean(MeterRegistry.class);
		assertThat(meters.get("etcd.discovery.services").gauge().value()).isZero();

		caller.getBean(EtcdDiscoveryClient.class).getInstances("orders");
		assertThat(meters.get("etcd.discovery.services").gauge().value()).isEqualTo(1);
		await().until(() -> !heartbeats.isEmpty());
		heartbeats.clear();
		this.apps.start("orders");

		await().until(() -> meters.get("etcd.discovery.instances").gauge().value() == 2);
		await().until(() -> !heartbeats.isEmpty());
		assertThat(meters.get("etcd.discovery.watching").gauge().value()).isEqualTo(1);
	}

	@Test
	void aDiscoveryOnlyApplicationIsUp() {
		this.apps.start("provider");
		ConfigurableApplicationContext gateway = this.apps.start(DiscoveryOnlyApp.class, "gateway", PER_SERVICE,
				"spring.cloud.etcd.discovery.register=false");

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			ActuatorHealth health = ActuatorHealth.get(gateway, "");
			assertThat(health.statusOf("discoveryComposite")).as(health.toString()).isEqualTo("UP");
			assertThat(health.body().toString()).contains("provider");
		});
	}

	@Test
	void anEtcdOutageDuringTheFirstLookupDoesNotHangAndTheWatchRecovers() {
		try (EtcdServer etcd = EtcdServer.builder().name("per-service-outage").requireBinary().start();
				TestApps own = new TestApps(etcd.clientEndpoint(), "/services")) {
			ConfigurableApplicationContext caller = own.start("gateway", PER_SERVICE,
					"spring.cloud.etcd.request-timeout=1s");
			EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
			EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
			own.etcd().put("/services/orders/a", "127.0.0.1:1001");
			assertThat(discovery.getInstances("billing")).isEmpty();

			etcd.pause();
			try {
				List<ServiceInstance> during = assertTimeoutPreemptively(Duration.ofSeconds(5),
						() -> discovery.getInstances("orders"));
				assertThat(during).isEmpty();
				assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), discovery::getServices))
					.as("the services held").isEmpty();
				await().atMost(Duration.ofSeconds(15)).until(() -> !cache.isConnected());
			}
			finally {
				etcd.resume();
			}

			await().atMost(Duration.ofSeconds(15)).until(() -> discovery.getInstances("orders").size() == 1);
			await().atMost(Duration.ofSeconds(15)).until(cache::isConnected);
			assertThat(discovery.getServices()).contains("orders", "gateway");
		}
	}

	@Test
	void duringAnOutageGetServicesWaitsOnceThenAnswersTheServicesLastListedAtOnce() {
		try (EtcdServer etcd = EtcdServer.builder().name("per-service-names").requireBinary().start();
				TestApps own = new TestApps(etcd.clientEndpoint(), "/services")) {
			ConfigurableApplicationContext caller = own.start("gateway", PER_SERVICE,
					"spring.cloud.etcd.request-timeout=3s");
			EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
			own.etcd().put("/services/orders/a", "127.0.0.1:1001");
			own.etcd().put("/services/billing/a", "127.0.0.1:1002");
			assertThat(discovery.getServices()).contains("billing", "orders");

			etcd.pause();
			try {
				// The first call finds etcd silent after its request timeout (3 s) ...
				assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), discovery::getServices))
					.contains("billing", "orders");
				// ... and the next ten, which would each wait 3 s, answer from memory.
				assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
					for (int i = 0; i < 10; i++) {
						assertThat(discovery.getServices()).contains("billing", "orders");
					}
				});
			}
			finally {
				etcd.resume();
			}

			own.etcd().put("/services/stock/a", "127.0.0.1:1003");
			await().atMost(Duration.ofSeconds(15)).until(() -> discovery.getServices().contains("stock"));
		}
	}

}
