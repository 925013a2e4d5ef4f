package io.github.etcddiscovery.health;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.ActuatorHealth;
import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Call;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd frozen (SIGSTOP) for longer than the lease TTL: every instance loses its lease, yet
 * keeps serving, so it must stay in rotation. Its {@code /actuator/health}, liveness and
 * readiness answer 200 UP, {@code /actuator/health/etcd} says what is wrong, and a caller
 * with {@code health-check} load balancing keeps calling every instance without a failure,
 * during the outage and after it. {@code down-on-outage=true} brings back the old cascade.
 */
class EtcdOutageHealthIntegrationTest {

	private static final Duration TTL = Duration.ofSeconds(2);

	private static final String[] FAST_ETCD = { "spring.cloud.etcd.discovery.ttl=" + TTL.toSeconds() + "s",
			"spring.cloud.etcd.request-timeout=1s" };

	private static final List<String> PROBES = List.of("", "liveness", "readiness");

	private EtcdServer etcd;

	private TestApps apps;

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdServer.builder().name("outage-health").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), "/services");
	}

	@AfterEach
	void tearDown() throws Exception {
		if (this.etcd.isPaused()) {
			this.etcd.resume();
		}
		this.apps.close();
		this.etcd.close();
	}

	@Test
	void aFreezeLongerThanTheTtlTakesNoInstanceOutOfRotationAndHealthEtcdTellsWhy() {
		ConfigurableApplicationContext first = this.apps.start("provider", FAST_ETCD);
		// A status order of the user's own, discovery health by probe, and a 503 for alerting on
		// /actuator/health/etcd: still not counted in the application's status.
		ConfigurableApplicationContext second = this.apps.start("provider", with(FAST_ETCD,
				"management.endpoint.health.status.order=fatal,down,out-of-service,unknown,up",
				"spring.cloud.discovery.client.health-indicator.use-services-query=false",
				"management.endpoint.health.status.http-mapping.etcd-down=503",
				"management.endpoint.health.status.http-mapping.down=503",
				"management.endpoint.health.status.http-mapping.out-of-service=503"));
		List<ConfigurableApplicationContext> providers = List.of(first, second);
		Set<String> both = Set.of(instanceId(first), instanceId(second));
		providers.forEach(EtcdOutageHealthIntegrationTest::assertServing);
		// Pings every second (a ping may take as long), so that many happen during the freeze.
		ConfigurableApplicationContext caller = this.apps.start("caller",
				with(FAST_ETCD, "spring.cloud.loadbalancer.configurations=health-check",
						"spring.cloud.loadbalancer.health-check.interval=1s"));

		try (CallStream calls = CallStream.start(caller, Client.REST_CLIENT, "provider", 2, Duration.ofMillis(5))) {
			calls.awaitMoreCalls(50);
			long frozenAt = System.nanoTime();
			this.etcd.pause();

			for (ConfigurableApplicationContext provider : providers) {
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					ActuatorHealth etcdHealth = ActuatorHealth.get(provider, "etcd");
					assertThat(etcdHealth.status()).as(etcdHealth.toString()).isEqualTo("ETCD_DOWN");
					assertThat(etcdHealth.body().path("details").path("state").asString()).isEqualTo("RECOVERING");
				});
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> elapsedSince(frozenAt).compareTo(TTL.plusSeconds(1)) > 0);
			for (ConfigurableApplicationContext provider : providers) {
				assertServing(provider);
				ActuatorHealth etcdHealth = ActuatorHealth.get(provider, "etcd");
				assertThat(etcdHealth.body().path("details").path("reasons").toString()).as(etcdHealth.toString())
					.contains("registration RECOVERING");
				assertThat(etcdHealth.body().path("details").path("impact").asString())
					.contains("not counted in the application's status");
				assertThat(etcdHealth.body().path("details").path("discovery").isObject()).isTrue();
				ActuatorHealth root = ActuatorHealth.get(provider, "");
				assertThat(root.statusOf("etcd")).isEqualTo("ETCD_DOWN");
				assertThat(root.statusOf("discoveryComposite")).as(root.toString()).isEqualTo("UP");
			}
			assertThat(ActuatorHealth.get(first, "etcd").httpStatus()).isEqualTo(200);
			assertThat(ActuatorHealth.get(second, "etcd").httpStatus()).as("mapped for alerting").isEqualTo(503);
			long resumedAt = System.nanoTime();
			Duration frozenFor = elapsedSince(frozenAt);
			this.etcd.resume();

			for (ConfigurableApplicationContext provider : providers) {
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(ActuatorHealth.get(provider, "etcd").status()).isEqualTo("UP"));
			}
			long healthyAt = System.nanoTime();
			calls.awaitMoreCalls(200);
			calls.close();

			assertThat(answeredBetween(calls, frozenAt, resumedAt)).as("instances called while etcd was frozen")
				.isEqualTo(both);
			assertThat(answeredBetween(calls, healthyAt, Long.MAX_VALUE)).as("instances called after").isEqualTo(both);
			assertThat(calls.failures()).isEmpty();
			System.out.println("[health] etcd frozen " + frozenFor.toMillis() + " ms (TTL " + TTL.toSeconds()
					+ " s): " + calls.calls().size() + " health-checked calls, " + calls.failures().size()
					+ " failed, " + countBetween(calls, frozenAt, resumedAt) + " during the freeze");
		}
	}

	@Test
	void downOnOutageBringsBackDownOnTheApplicationStatus() {
		ConfigurableApplicationContext provider = this.apps.start("provider",
				with(FAST_ETCD, "spring.cloud.etcd.health.down-on-outage=true"));
		assertThat(ActuatorHealth.get(provider, "").httpStatus()).isEqualTo(200);

		this.etcd.pause();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			ActuatorHealth root = ActuatorHealth.get(provider, "");
			assertThat(root.httpStatus()).as(root.toString()).isEqualTo(503);
			assertThat(root.status()).isEqualTo("DOWN");
			assertThat(root.statusOf("etcd")).isEqualTo("DOWN");
		});
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			ActuatorHealth etcdHealth = ActuatorHealth.get(provider, "etcd");
			assertThat(etcdHealth.httpStatus()).as(etcdHealth.toString()).isEqualTo(503);
			assertThat(etcdHealth.body().path("details").path("reasons").toString())
				.contains("registration RECOVERING");
		});
		// Spring Boot's probes never include an external system unless told to.
		assertThat(ActuatorHealth.get(provider, "liveness").httpStatus()).isEqualTo(200);
		assertThat(ActuatorHealth.get(provider, "readiness").httpStatus()).isEqualTo(200);

		this.etcd.resume();

		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(ActuatorHealth.get(provider, "").httpStatus()).isEqualTo(200));
	}

	private static void assertServing(ConfigurableApplicationContext provider) {
		for (String probe : PROBES) {
			ActuatorHealth health = ActuatorHealth.get(provider, probe);
			assertThat(health.httpStatus()).as("/actuator/health/" + probe + ": " + health).isEqualTo(200);
			assertThat(health.status()).as("/actuator/health/" + probe + ": " + health).isEqualTo("UP");
		}
	}

	private static Set<String> answeredBetween(CallStream calls, long from, long to) {
		return calls.calls()
			.stream()
			.filter((call) -> call.sentAt() >= from && call.sentAt() < to && !call.failed())
			.map(Call::instance)
			.collect(Collectors.toSet());
	}

	private static long countBetween(CallStream calls, long from, long to) {
		return calls.calls().stream().filter((call) -> call.sentAt() >= from && call.sentAt() < to).count();
	}

	private static Duration elapsedSince(long nanoTime) {
		return Duration.ofNanos(System.nanoTime() - nanoTime);
	}

	private static String[] with(String[] base, String... more) {
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

}
