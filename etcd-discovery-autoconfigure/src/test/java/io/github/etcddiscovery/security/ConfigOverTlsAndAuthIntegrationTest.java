package io.github.etcddiscovery.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.etcddiscovery.config.ConfigClient;
import io.github.etcddiscovery.config.EtcdConfigWatch;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SecureEtcd;
import io.github.etcddiscovery.test.TestCertificates;
import io.github.etcddiscovery.test.TestCertificates.Issued;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The configuration source against etcd as production runs it: mutual TLS (the SSL bundle is
 * built before the application context exists) and authentication, with the read-only grants
 * on its contexts that the README documents, and nothing more.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigOverTlsAndAuthIntegrationTest {

	private static final String PASSWORD = "pw-" + UUID.randomUUID();

	private static final String ROOT_PASSWORD = "root-" + UUID.randomUUID();

	private static final String VALUE = "greeting-" + UUID.randomUUID();

	@TempDir
	static Path pki;

	static TestCertificates ca;

	static Issued client;

	static EtcdServer etcd;

	private TestApps apps;

	@BeforeAll
	static void startEtcdWithMutualTlsAndAuth() {
		ca = TestCertificates.authority(pki);
		client = ca.client("client", "not-a-user");
		etcd = SecureEtcd.mutualTls(ca, ca.server("server"), client).name("config-secure").start();
		SecureEtcd.enableAuth(etcd, ROOT_PASSWORD);
		// The README's grants: discovery and registration, and read on the application's contexts.
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "orders", PASSWORD, "orders-service", "read", "/services/",
				"readwrite", "/services/orders/", "read", "/config/orders/", "read", "/config/orders,", "read",
				"/config/application/", "read", "/config/application,");
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "no-config", PASSWORD, "discovery-only-service", "read",
				"/services/", "readwrite", "/services/orders/");
		SecureEtcd.asRoot(etcd, ROOT_PASSWORD, "put", "/config/application/demo/b", "shared");
		SecureEtcd.asRoot(etcd, ROOT_PASSWORD, "put", "/config/orders,dev/greeting/message", VALUE);
		SecureEtcd.asRoot(etcd, ROOT_PASSWORD, "put", "/config/billing/demo/a", "another application's");
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
	void loadsAndReceivesChangesWithTheReadOnlyGrantsOnItsContexts(CapturedOutput output) {
		ConfigurableApplicationContext orders = start("orders", "spring.profiles.active=dev");

		assertThat(orders.getBean(ConfigClient.Greeting.class).message()).isEqualTo(VALUE);
		assertThat(orders.getBean(ConfigClient.DemoProperties.class).getB()).isEqualTo("shared");
		await().atMost(Duration.ofSeconds(5)).until(() -> orders.getBean(EtcdConfigWatch.class).isFollowing());

		String changed = VALUE + "-changed";
		SecureEtcd.asRoot(etcd, ROOT_PASSWORD, "put", "/config/orders,dev/greeting/message", changed);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> orders.getBean(ConfigClient.Greeting.class).message().equals(changed));

		assertThat(output.getAll()).as("values and the password are never logged")
			.doesNotContain(VALUE)
			.doesNotContain(PASSWORD);
	}

	@Test
	void aUserWithoutReadOnItsContextsFailsStartupNamingTheGrants(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> start("no-config"));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START", "etcd configuration cannot be read from",
				"etcdctl role grant-permission <role> --prefix=true read /config/orders/",
				"etcdctl role grant-permission <role> --prefix=true read /config/application/");
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	private ConfigurableApplicationContext start(String user, String... more) {
		this.apps = new TestApps(etcd.clientEndpoint(), "/services");
		List<String> properties = new ArrayList<>(SecureEtcd.pemBundle("etcd", ca, client));
		properties.addAll(List.of("spring.config.import=etcd:", "spring.cloud.etcd.username=" + user,
				"spring.cloud.etcd.password=" + PASSWORD));
		properties.addAll(List.of(more));
		return this.apps.startWith(ConfigClient.class, "orders", properties.toArray(String[]::new));
	}

}
