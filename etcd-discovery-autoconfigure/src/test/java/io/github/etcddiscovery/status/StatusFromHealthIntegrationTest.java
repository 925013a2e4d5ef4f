package io.github.etcddiscovery.status;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With {@code status-from-health} on, the application's health drives its registered status,
 * against a real etcd and real callers: DOWN out of rotation, UP back in, a status set by
 * hand wins, and one failed check changes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class StatusFromHealthIntegrationTest {

	/** Health is checked every interval / 3 = 400 ms; a change reaches etcd within 1.2 s. */
	private static final String[] ENABLED = { "spring.cloud.etcd.discovery.status-from-health.enabled=true",
			"spring.cloud.etcd.discovery.status-from-health.interval=1200ms" };

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void unhealthyInstanceIsRegisteredDownAndLeavesRotationThenComesBack() {
		ConfigurableApplicationContext stays = this.apps.start("orders");
		ConfigurableApplicationContext sick = this.apps.startWith(Database.class, "orders", ENABLED);
		ConfigurableApplicationContext caller = this.apps.start("gateway");
		EtcdDiscoveryClient view = caller.getBean(EtcdDiscoveryClient.class);
		await().until(() -> view.getInstances("orders").size() == 2);
		String key = this.apps.keyOf(sick);

		long sickAt = System.nanoTime();
		sick.getBean(Database.class).up.set(false);

		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> view.getInstances("orders").size() == 1);
		System.out.printf("[operations] unhealthy to out of a caller's view: %.2f s (interval 1.2 s)%n",
				(System.nanoTime() - sickAt) / 1e9);
		assertThat(this.apps.etcd().value(key)).contains("\"status\":\"DOWN\"");
		assertThat(TestApps.instancesReached(caller, "orders", 10)).containsExactly(TestApps.instanceId(stays));

		sick.getBean(Database.class).up.set(true);

		await().atMost(Duration.ofSeconds(10)).until(() -> view.getInstances("orders").size() == 2);
		assertThat(this.apps.etcd().value(key)).contains("\"status\":\"UP\"");
		assertThat(TestApps.instancesReached(caller, "orders", 20)).hasSize(2);
	}

	@Test
	void readinessRefusingTrafficCountsAsUnhealthy() {
		ConfigurableApplicationContext app = this.apps.startWith(Database.class, "orders", ENABLED);
		String key = this.apps.keyOf(app);

		AvailabilityChangeEvent.publish(app, ReadinessState.REFUSING_TRAFFIC);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.apps.etcd().value(key).contains("\"status\":\"DOWN\""));

		AvailabilityChangeEvent.publish(app, ReadinessState.ACCEPTING_TRAFFIC);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.apps.etcd().value(key).contains("\"status\":\"UP\""));
	}

	@Test
	void statusSetByHandWinsOverHealth() {
		ConfigurableApplicationContext app = this.apps.startWith(Database.class, "orders", ENABLED);
		String key = this.apps.keyOf(app);
		Database database = app.getBean(Database.class);

		TestApps.setStatus(app, "OUT_OF_SERVICE");
		database.up.set(false);
		int checks = database.checks.get();
		await().until(() -> database.checks.get() >= checks + 4);
		database.up.set(true);
		int more = database.checks.get();
		await().until(() -> database.checks.get() >= more + 4);

		assertThat(this.apps.etcd().value(key)).contains("\"status\":\"OUT_OF_SERVICE\"");

		database.up.set(false);
		TestApps.setStatus(app, "UP");

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.apps.etcd().value(key).contains("\"status\":\"DOWN\""));
		assertThat(RestClient.create()
			.get()
			.uri("http://127.0.0.1:" + TestApps.port(app) + "/actuator/serviceregistry")
			.retrieve()
			.body(String.class)).as("UP by hand hands the status back to health").contains("DOWN");
	}

	@Test
	void oneFailedCheckChangesNothing() {
		ConfigurableApplicationContext app = this.apps.startWith(Database.class, "orders", ENABLED);
		String key = this.apps.keyOf(app);
		Database database = app.getBean(Database.class);
		long written = this.apps.etcd().keyValue(key).getModRevision();

		database.failOnce.set(true);
		int checks = database.checks.get();
		await().until(() -> !database.failOnce.get() && database.checks.get() >= checks + 4);

		assertThat(this.apps.etcd().keyValue(key).getModRevision()).as("never rewritten").isEqualTo(written);
		assertThat(this.apps.etcd().value(key)).contains("\"status\":\"UP\"");
	}

	@Test
	void theDefaultGroupIsEveryComponentButEtcd() {
		ConfigurableApplicationContext app = this.apps.startWith(Database.class, "orders", ENABLED);

		String group = RestClient.create()
			.get()
			.uri("http://127.0.0.1:" + TestApps.port(app) + "/actuator/health/etcd-registration")
			.retrieve()
			.body(String.class);

		assertThat(group).contains("\"database\"").contains("\"diskSpace\"").doesNotContain("\"etcd\"");
	}

	@Test
	void aTooShortIntervalStopsStartupWithTheFix(CapturedOutput output) {
		assertThatThrownBy(() -> this.apps.start("orders", "spring.cloud.etcd.discovery.status-from-health.enabled=true",
				"spring.cloud.etcd.discovery.status-from-health.interval=100ms"))
			.hasStackTraceContaining("status-from-health.interval");
		assertThat(output).contains("APPLICATION FAILED TO START",
				"spring.cloud.etcd.discovery.status-from-health.interval", "at least 300ms");
	}

	@Test
	void withoutTheHealthEndpointStartupFailsSayingSo(CapturedOutput output) {
		assertThatThrownBy(() -> this.apps.start("orders", "spring.cloud.etcd.discovery.status-from-health.enabled=true",
				"management.endpoint.health.access=none"))
			.hasStackTraceContaining("status-from-health.enabled");
		assertThat(output).contains("APPLICATION FAILED TO START", "the health endpoint is not available");
	}


	/** A database the test takes down and brings back. */
	@Configuration(proxyBeanMethods = false)
	static class Database {

		final AtomicBoolean up = new AtomicBoolean(true);

		final AtomicBoolean failOnce = new AtomicBoolean();

		final AtomicInteger checks = new AtomicInteger();

		@Bean
		HealthIndicator database() {
			return () -> {
				this.checks.incrementAndGet();
				boolean failing = this.failOnce.getAndSet(false) || !this.up.get();
				return failing ? Health.down().withDetail("connection", "refused").build() : Health.up().build();
			};
		}

	}

}
