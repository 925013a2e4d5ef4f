package io.github.etcddiscovery.metrics;

import java.time.Duration;

import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the meters say while the application's etcd is down and after it is back: an
 * operator sees the outage in them, and the recovery.
 */
class MetricsDuringOutageTest {

	private EtcdServer etcd;

	private TestApps apps;

	@AfterEach
	void tearDown() throws Exception {
		if (this.apps != null) {
			this.apps.close();
		}
		if (this.etcd != null) {
			this.etcd.close();
		}
	}

	@Test
	void anOutageShowsInTheRegistrationViewAndRequestMetersAndSoDoesTheRecovery() {
		this.etcd = EtcdServer.builder().name("metrics-outage").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), "/services");
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.discovery.ttl=2s",
				"spring.cloud.etcd.request-timeout=1s");
		MeterRegistry meters = app.getBean(MeterRegistry.class);
		assertThat(gauge(meters, "etcd.registration.state", "state", "ACTIVE")).isEqualTo(1);
		assertThat(gauge(meters, "etcd.discovery.watching", null, null)).isEqualTo(1);

		this.etcd.kill();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> gauge(meters, "etcd.registration.state", "state", "RECOVERING") == 1
					&& gauge(meters, "etcd.discovery.watching", null, null) == 0);
		assertThat(gauge(meters, "etcd.registration.state", "state", "ACTIVE")).isZero();
		assertThat(meters.get("etcd.registration.keepalive.failures").counter().count()).isPositive();
		await().until(() -> activeRequests(meters) > 0);

		this.etcd.restart();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> gauge(meters, "etcd.registration.state", "state", "ACTIVE") == 1
					&& gauge(meters, "etcd.discovery.watching", null, null) == 1);
		assertThat(meters.get("etcd.registration.recoveries").counter().count()).isEqualTo(1);
		assertThat(meters.get("etcd.registration.time").timer().count()).as("only the first registration")
			.isEqualTo(1);
		assertThat(meters.get("etcd.discovery.instances").gauge().value()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(15)).until(() -> activeRequests(meters) == 0);
	}

	private static double gauge(MeterRegistry meters, String name, String tag, String value) {
		Search search = meters.find(name);
		return ((tag != null) ? search.tag(tag, value) : search).gauge().value();
	}

	/** Requests waiting for etcd: while it is down they pile up rather than fail. */
	private static int activeRequests(MeterRegistry meters) {
		return meters.find("etcd.requests.active")
			.longTaskTimers()
			.stream()
			.mapToInt(timer -> timer.activeTasks())
			.sum();
	}

}
