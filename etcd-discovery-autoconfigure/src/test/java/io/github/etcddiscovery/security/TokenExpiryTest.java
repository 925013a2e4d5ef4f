package io.github.etcddiscovery.security;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SecureEtcd;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd's auth tokens expire; an application runs for months. With tokens that live 2 s
 * after their last use, a registered application goes idle (keep-alives only) past
 * expiry after expiry, and everything it does next still works on a fresh token: writing
 * its status, seeing a new peer through the watch opened long ago, and putting its key back
 * after an operator deleted it.
 */
class TokenExpiryTest {

	private static final Duration TOKEN_TTL = Duration.ofSeconds(2);

	private static final String ROOT_PASSWORD = "root-" + UUID.randomUUID();

	private static final String PASSWORD = "app-" + UUID.randomUUID();

	private static final String PREFIX = "/services";

	private EtcdServer etcd;

	private TestApps apps;

	@BeforeEach
	void startEtcdWithShortLivedTokens() {
		// At debug level etcd logs each authentication: that is how renewals are counted.
		this.etcd = EtcdServer.builder()
			.name("tokens")
			.requireBinary()
			.extraArgs("--auth-token=simple", "--auth-token-ttl=" + TOKEN_TTL.toSeconds(), "--log-level=debug")
			.start();
		SecureEtcd.enableAuth(this.etcd, ROOT_PASSWORD);
		for (String service : List.of("orders", "billing")) {
			SecureEtcd.addUser(this.etcd, ROOT_PASSWORD, service, PASSWORD, service + "-service", "read", PREFIX + "/",
					"readwrite", PREFIX + "/" + service + "/");
		}
		this.apps = new TestApps(this.etcd.clientEndpoint(), PREFIX);
	}

	@AfterEach
	void stop() {
		if (this.apps != null) {
			this.apps.close();
		}
		if (this.etcd != null) {
			this.etcd.close();
		}
	}

	@Test
	void aRegisteredApplicationOutlivesItsTokenExpiringAgainAndAgain() {
		ConfigurableApplicationContext orders = this.apps.start("orders", user("orders"));
		String key = this.apps.keyOf(orders);
		Object lease = health(orders).getDetails().get("leaseId");

		idlePastTokenExpiry(orders);
		EtcdRegistration registration = TestApps.registration(orders);
		orders.getBean(EtcdServiceRegistry.class).setStatus(registration, "OUT_OF_SERVICE");
		assertThat(root("get", "--print-value-only", key)).contains("\"status\":\"OUT_OF_SERVICE\"");
		orders.getBean(EtcdServiceRegistry.class).setStatus(registration, "UP");

		idlePastTokenExpiry(orders);
		ConfigurableApplicationContext billing = this.apps.start("billing", user("billing"));
		DiscoveryClient discovery = orders.getBean(DiscoveryClient.class);
		await("the watch opened before the tokens expired sees the new peer").atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("billing")).extracting(ServiceInstance::getPort)
				.containsExactly(TestApps.port(billing)));

		idlePastTokenExpiry(orders);
		long deletedAt = System.nanoTime();
		root("del", key);
		await("the key put back").atMost(Duration.ofSeconds(10)).until(() -> root("get", "--keys-only", key).contains(key));
		Duration putBack = Duration.ofNanos(System.nanoTime() - deletedAt);

		assertThat(health(orders).getStatus()).isEqualTo(Status.UP);
		assertThat(health(orders).getDetails()).containsEntry("leaseId", lease);
		int renewals = authentications("orders");
		assertThat(renewals).as("tokens issued to orders: one at startup, then after expiries").isGreaterThanOrEqualTo(3);
		System.out.println("[security] tokens issued to 'orders' over the run (ttl " + TOKEN_TTL.toSeconds() + "s): "
				+ renewals + "; key put back after deletion in " + putBack.toMillis() + " ms");
	}

	/** Keep-alives only, for longer than a token lives; the registration stays healthy throughout. */
	private void idlePastTokenExpiry(ConfigurableApplicationContext app) {
		await().during(TOKEN_TTL.multipliedBy(2))
			.atMost(TOKEN_TTL.multipliedBy(3))
			.until(() -> health(app).getStatus() == Status.UP);
	}

	private int authentications(String user) {
		try {
			return (int) Files.readAllLines(this.etcd.logFile())
				.stream()
				.filter(line -> line.contains("authenticated a user") && line.contains("\"user-name\":\"" + user + "\""))
				.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String root(String... args) {
		return SecureEtcd.asRoot(this.etcd, ROOT_PASSWORD, args);
	}

	private static String[] user(String name) {
		return new String[] { "spring.cloud.etcd.username=" + name, "spring.cloud.etcd.password=" + PASSWORD,
				"spring.cloud.etcd.discovery.ttl=3s", "spring.cloud.etcd.request-timeout=2s" };
	}

	private static Health health(ConfigurableApplicationContext app) {
		return app.getBean(EtcdHealthIndicator.class).health(true);
	}

}
