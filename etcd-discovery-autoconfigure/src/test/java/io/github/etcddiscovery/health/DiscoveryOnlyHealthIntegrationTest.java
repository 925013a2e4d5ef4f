package io.github.etcddiscovery.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcddiscovery.discoveryonly.DiscoveryOnlyApp;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.ActuatorHealth;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that only discovers ({@code register=false}: a gateway, a batch job) shows
 * Spring Cloud's {@code discoveryComposite} UP once its first view is loaded from etcd, as a
 * registered one does, without telling anybody else that it registered.
 */
class DiscoveryOnlyHealthIntegrationTest {

	private static final String DISCOVERY_ONLY = "spring.cloud.etcd.discovery.register=false";

	@Test
	void discoveryCompositeIsUpOnceTheViewIsLoaded() {
		try (TestApps apps = new TestApps(SharedEtcd.get().clientEndpoint(), SharedEtcd.uniquePrefix("discovery-only"))) {
			apps.start("provider");
			ConfigurableApplicationContext gateway = apps.start(DiscoveryOnlyApp.class, "gateway", DISCOVERY_ONLY);

			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				ActuatorHealth health = ActuatorHealth.get(gateway, "");
				assertThat(health.statusOf("discoveryComposite")).as(health.toString()).isEqualTo("UP");
				assertThat(health.statusOf("discoveryComposite/discoveryClient")).isEqualTo("UP");
				assertThat(health.statusOf("reactiveDiscoveryClients")).isEqualTo("UP");
				assertThat(health.body().toString()).contains("provider");
			});
		}
	}

	@Test
	void withEtcdDownAtStartupDiscoveryCompositeTurnsUpWhenEtcdAnswersAndNoListenerHearsOfARegistration() {
		try (EtcdServer etcd = EtcdServer.builder().name("discovery-only").requireBinary().start();
				TestApps apps = new TestApps(etcd.clientEndpoint(), "/services")) {
			etcd.kill();
			ConfigurableApplicationContext gateway = apps.start(DiscoveryOnlyApp.class, "gateway", DISCOVERY_ONLY,
					"spring.cloud.etcd.request-timeout=1s");
			List<Object> registrationsHeard = new CopyOnWriteArrayList<>();
			gateway.addApplicationListener(
					(ApplicationListener<InstanceRegisteredEvent<?>>) (event) -> registrationsHeard.add(event));

			ActuatorHealth down = ActuatorHealth.get(gateway, "");
			assertThat(down.statusOf("discoveryComposite")).as(down.toString()).isEqualTo("UNKNOWN");
			assertThat(down.statusOf("etcd")).isEqualTo("ETCD_DOWN");
			assertThat(down.httpStatus()).as("an etcd outage is no reason to stop serving").isEqualTo(200);

			etcd.restart();

			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(ActuatorHealth.get(gateway, "").statusOf("discoveryComposite"))
					.isEqualTo("UP"));
			assertThat(ActuatorHealth.get(gateway, "").statusOf("reactiveDiscoveryClients")).isEqualTo("UP");
			assertThat(registrationsHeard).isEmpty();
		}
	}

}
