package io.github.etcddiscovery.health;

import java.time.Duration;
import java.util.Map;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static io.github.etcddiscovery.health.EtcdHealthIndicator.ETCD_DOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/health/etcd} tells whether this instance is registered and its view
 * follows etcd.
 */
class EtcdHealthIntegrationTest {

	@Test
	void upWithLeaseDetailsWhileRegistered() {
		try (TestApps apps = new TestApps(SharedEtcd.get().clientEndpoint(), SharedEtcd.uniquePrefix("health"))) {
			ConfigurableApplicationContext app = apps.start("orders", "spring.cloud.etcd.discovery.ttl=7s");

			String body = RestClient.create()
				.get()
				.uri("http://127.0.0.1:" + TestApps.port(app) + "/actuator/health/etcd")
				.retrieve()
				.body(String.class);

			assertThat(body).contains("\"status\":\"UP\"", "\"state\":\"ACTIVE\"", "\"ttl\":\"7s\"", "\"remainingTtl\"",
					"\"lastKeepAlive\"", "\"key\":\"" + apps.prefix() + "/orders/", "\"endpoints\"", "\"leaseId\"",
					"\"watching\":true");
		}
	}

	@Test
	void downOnceTheLeaseIsLostWhileTheLastKnownViewIsStillServedAndUpAgainWhenEtcdIsBack() {
		try (EtcdServer etcd = EtcdServer.builder().name("health-outage").start();
				TestApps apps = new TestApps(etcd.clientEndpoint(), "/services")) {
			ConfigurableApplicationContext app = apps.start("orders", "spring.cloud.etcd.discovery.ttl=2s",
					"spring.cloud.etcd.request-timeout=1s");
			EtcdHealthIndicator health = app.getBean(EtcdHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			apps.etcd().put("/services/billing/b-1", "127.0.0.1:4001");
			EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
			await().until(() -> discovery.getInstances("billing").size() == 1);

			etcd.kill();

			// The watch notices at once; the lease is declared lost once its TTL has passed.
			await().atMost(Duration.ofSeconds(3)).until(() -> health.health(true).getStatus().equals(ETCD_DOWN));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "RECOVERING".equals(health.health(true).getDetails().get("state")));
			Health down = health.health(true);
			assertThat(down.getStatus()).isEqualTo(ETCD_DOWN);
			assertThat(((Map<?, ?>) down.getDetails().get("discovery")).get("watching")).isEqualTo(false);
			assertThat(((Map<?, ?>) down.getDetails().get("discovery")).get("view").toString())
				.contains("serving the last known instances");
			assertThat(discovery.getInstances("billing")).as("fail static").hasSize(1);

			etcd.restart();

			await().atMost(Duration.ofSeconds(15)).until(() -> health.health(true).getStatus().equals(Status.UP));
			assertThat(health.health(true).getDetails().get("state")).isEqualTo("ACTIVE");
		}
	}

}
