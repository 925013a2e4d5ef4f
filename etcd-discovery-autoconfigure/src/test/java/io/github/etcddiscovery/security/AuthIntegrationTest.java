package io.github.etcddiscovery.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SecureEtcd;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.discoveryonly.DiscoveryOnlyApp;
import io.github.etcddiscovery.testapp.TestApps;
import io.github.etcddiscovery.testapp.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.github.etcddiscovery.health.EtcdHealthIndicator.ETCD_DOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * etcd with authentication and the least-privilege roles the README documents: each
 * service's user may read the registry and write only under its own service; a
 * discovery-only user may only read.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthIntegrationTest {

	private static final String ROOT_PASSWORD = "root-" + UUID.randomUUID();

	private static final String ORDERS_PASSWORD = "orders-" + UUID.randomUUID();

	private static final String READER_PASSWORD = "reader-" + UUID.randomUUID();

	private static final String PREFIX = "/services";

	static EtcdServer etcd;

	private TestApps apps;

	@BeforeAll
	static void startEtcdWithAuth() {
		etcd = EtcdServer.builder().name("auth").requireBinary().start();
		SecureEtcd.enableAuth(etcd, ROOT_PASSWORD);
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "orders", ORDERS_PASSWORD, "orders-service", "read", PREFIX + "/",
				"readwrite", PREFIX + "/orders/");
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "reader", READER_PASSWORD, "discovery-only", "read", PREFIX + "/");
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "nobody", READER_PASSWORD, "no-permissions");
	}

	@AfterAll
	static void stopEtcd() {
		if (etcd != null) {
			etcd.close();
		}
	}

	@AfterEach
	void closeApps() {
		if (this.apps != null) {
			this.apps.close();
		}
	}

	@Test
	void aServiceUserRegistersUnderItsServiceAndADiscoveryOnlyUserFindsIt() {
		ConfigurableApplicationContext orders = apps().start("orders", user("orders", ORDERS_PASSWORD));
		ConfigurableApplicationContext gateway = apps().start(DiscoveryOnlyApp.class, "gateway", user("reader", READER_PASSWORD,
				"spring.cloud.etcd.discovery.register=false"));
		String key = this.apps.keyOf(orders);

		assertThat(root("get", "--keys-only", key)).contains(key);
		DiscoveryClient discovery = gateway.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(TestApps.port(orders)));
		assertThat(health(gateway).getStatus()).isEqualTo(Status.UP);

		orders.close();
		assertThat(root("get", "--prefix", "--keys-only", PREFIX + "/")).as("deregistered: key deleted, lease revoked")
			.isBlank();
	}

	@Test
	void aWrongPasswordFailsStartupWithoutShowingIt(CapturedOutput output) {
		String wrong = "wrong-" + UUID.randomUUID();

		Throwable failure = catchThrowable(() -> apps().start("orders", user("orders", wrong)));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Authenticating to etcd as user 'orders' failed: etcd rejected the user name or password",
				"Check spring.cloud.etcd.username and spring.cloud.etcd.password");
		assertThat(output.getAll()).doesNotContain(wrong);
	}

	@Test
	void aClientBeanOfTheUsersOwnIsCheckedAtStartupToo(CapturedOutput output) {
		String wrong = "wrong-" + UUID.randomUUID();
		UserClient.password = wrong;

		Throwable failure = catchThrowable(() -> apps().startWith(UserClient.class, "orders",
				user("orders", wrong)));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Authenticating to etcd as user 'orders' failed: etcd rejected the user name or password");
		assertThat(output.getAll()).doesNotContain(wrong);
	}

	@Test
	void noCredentialsForAnEtcdThatRequiresThemFailsStartup(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> apps().start("orders"));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START", "etcd requires authentication and no user is configured",
				"Set spring.cloud.etcd.username and spring.cloud.etcd.password");
	}

	@Test
	void credentialsForAnEtcdWithoutAuthenticationFailStartup(CapturedOutput output) {
		TestApps plain = new TestApps(SharedEtcd.get().clientEndpoint(), SharedEtcd.uniquePrefix("auth"));
		try {
			Throwable failure = catchThrowable(() -> plain.start("orders", user("orders", ORDERS_PASSWORD)));

			assertThat(failure).isNotNull();
			assertThat(output).contains("APPLICATION FAILED TO START",
					"etcd has authentication disabled, yet a user name is configured");
		}
		finally {
			plain.close();
		}
	}

	@Test
	void aUserWithoutReadPermissionFailsStartupNamingThePrefixToGrant(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> apps().start(DiscoveryOnlyApp.class, "gateway", user("nobody", READER_PASSWORD,
				"spring.cloud.etcd.discovery.register=false")));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START", "etcd discovery cannot read /services/",
				"etcdctl role grant-permission <role> --prefix=true read /services/");
	}

	@Test
	void aReadOnlyUserWithFailFastFailsStartupNamingTheGrantItNeeds(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> apps().start("orders", user("reader", READER_PASSWORD,
				"spring.cloud.etcd.discovery.fail-fast=true")));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START", "etcd user 'reader' may not write /services/orders/",
				"etcdctl role grant-permission <role> --prefix=true readwrite /services/orders/",
				"spring.cloud.etcd.discovery.register=false");
	}

	@Test
	void aServiceUserCannotRegisterAsAnotherService(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> apps().start("billing", user("orders", ORDERS_PASSWORD,
				"spring.cloud.etcd.discovery.fail-fast=true")));

		assertThat(failure).isNotNull();
		assertThat(output).contains("etcd user 'orders' may not write /services/billing/",
				"readwrite /services/billing/");
		assertThat(root("get", "--prefix", "--keys-only", PREFIX + "/billing/")).isBlank();
	}

	@Test
	void aReadOnlyUserWithoutFailFastStartsDiscoversSaysWhyOnceAndRegistersWhenGranted(CapturedOutput output) {
		ConfigurableApplicationContext orders = apps().start("orders", user("orders", ORDERS_PASSWORD));
		ConfigurableApplicationContext refused = apps().start("orders", user("reader", READER_PASSWORD,
				"spring.cloud.etcd.discovery.ttl=2s"));

		DiscoveryClient discovery = refused.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(TestApps.port(orders)));
		Health health = health(refused);
		assertThat(health.getStatus()).isEqualTo(ETCD_DOWN);
		assertThat(health.getDetails()).containsEntry("state", "RECOVERING");
		assertThat(String.valueOf(health.getDetails().get("lastError"))).contains("was denied",
				"etcdserver: permission denied");
		await().atMost(Duration.ofSeconds(5)).until(() -> Text.occurrences(output.getAll(), "is refused by etcd") > 0);
		// Retries go on (backoff up to 1.5 s) and are refused too; it is still said only once.
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(4))
			.until(() -> "RECOVERING".equals(health(refused).getDetails().get("state")));
		assertThat(Text.occurrences(output.getAll(), "is refused by etcd")).isEqualTo(1);

		root("role", "grant-permission", "discovery-only", "--prefix=true", "readwrite", PREFIX + "/orders/");
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> health(refused).getStatus() == Status.UP);
			assertThat(root("get", "--keys-only", this.apps.keyOf(refused))).contains(this.apps.keyOf(refused));
		}
		finally {
			root("role", "revoke-permission", "discovery-only", "--prefix=true", PREFIX + "/orders/");
		}
	}

	/** A jetcd client built by the user, not by the starter, with a wrong password. */
	@Configuration(proxyBeanMethods = false)
	static class UserClient {

		static String password;

		@Bean(destroyMethod = "close")
		Client etcdClient() {
			return Client.builder()
				.endpoints(etcd.clientEndpoint())
				.user(ByteSequence.from("orders", StandardCharsets.UTF_8))
				.password(ByteSequence.from(password, StandardCharsets.UTF_8))
				.build();
		}

	}

	private TestApps apps() {
		if (this.apps == null) {
			this.apps = new TestApps(etcd.clientEndpoint(), PREFIX);
		}
		return this.apps;
	}

	private static String[] user(String name, String password, String... more) {
		List<String> properties = new java.util.ArrayList<>(List.of("spring.cloud.etcd.username=" + name,
				"spring.cloud.etcd.password=" + password, "spring.cloud.etcd.request-timeout=2s"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	private static Health health(ConfigurableApplicationContext app) {
		return app.getBean(EtcdHealthIndicator.class).health(true);
	}

	private static String root(String... args) {
		return SecureEtcd.asRoot(etcd, ROOT_PASSWORD, args);
	}

}
