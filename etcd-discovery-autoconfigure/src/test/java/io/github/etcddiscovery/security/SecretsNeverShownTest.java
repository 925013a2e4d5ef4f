package io.github.etcddiscovery.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SecureEtcd;
import io.github.etcddiscovery.test.TestCertificates;
import io.github.etcddiscovery.test.TestCertificates.Issued;
import io.github.etcddiscovery.discoveryonly.DiscoveryOnlyApp;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The password and the key material never leave the application: not in its logs at any
 * level, not in the actuator (even with values shown), not in exceptions. Against etcd as
 * production runs it: mutual TLS and authentication.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverShownTest {

	private static final String PASSWORD = "pw-" + UUID.randomUUID();

	private static final String ROOT_PASSWORD = "root-" + UUID.randomUUID();

	private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

	@TempDir
	static Path pki;

	static TestCertificates ca;

	static Issued client;

	static EtcdServer etcd;

	private TestApps apps;

	@BeforeAll
	static void startEtcdWithMutualTlsAndAuth() {
		ca = TestCertificates.authority(pki);
		// The client certificate's common name is not an etcd user: only the password authenticates.
		client = ca.client("client", "not-a-user");
		etcd = SecureEtcd.mutualTls(ca, ca.server("server"), client).name("secrets").start();
		SecureEtcd.enableAuth(etcd, ROOT_PASSWORD);
		SecureEtcd.addUser(etcd, ROOT_PASSWORD, "orders", PASSWORD, "orders-service", "read", "/services/",
				"readwrite", "/services/orders/");
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
	void aFullRunAtDebugAndTraceLevelNeverPrintsThePasswordOrTheKey(CapturedOutput output) throws IOException {
		List<String> verbose = List.of("logging.level.root=DEBUG", "logging.level.io.github.etcddiscovery=TRACE",
				"logging.level.io.etcd=DEBUG", "logging.level.io.grpc=DEBUG", "logging.level.io.netty=DEBUG");
		ConfigurableApplicationContext orders = apps().start("orders", properties(verbose));
		ConfigurableApplicationContext gateway = apps().start(DiscoveryOnlyApp.class, "gateway",
				properties(verbose, "spring.cloud.etcd.discovery.register=false"));
		DiscoveryClient discovery = gateway.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(TestApps.port(orders)));
		orders.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("orders").isEmpty());
		gateway.close();

		String all = output.getAll();
		assertThat(all).as("the run was logged at debug level").contains("DEBUG").contains("Registration /services/orders/");
		assertThat(all).doesNotContain(PASSWORD)
			.doesNotContain(HexFormat.of().formatHex(PASSWORD.getBytes(StandardCharsets.UTF_8)))
			.doesNotContain(TestCertificates.STORE_PASSWORD)
			.doesNotContain(firstLine(client.keyPemBody()))
			.doesNotContain(firstLine(Files.readString(client.key()).lines().skip(1).findFirst().orElseThrow()));
	}

	@Test
	void theActuatorMasksThePasswordAndKeyMaterialEvenWithValuesShown() throws Exception {
		String inlineKey = Files.readString(client.key());
		ConfigurableApplicationContext orders = apps().start("orders",
				properties(List.of("management.endpoints.web.exposure.include=env,configprops,health,etcd",
						"management.endpoint.env.show-values=always",
						"management.endpoint.configprops.show-values=always",
						// A bundle holding its key inline, as some deployments inject it.
						"spring.ssl.bundle.pem.inline.keystore.certificate=file:" + client.cert(),
						"spring.ssl.bundle.pem.inline.keystore.private-key=" + inlineKey)));
		int port = TestApps.port(orders);

		String env = get(port, "/actuator/env");
		String configprops = get(port, "/actuator/configprops");
		String passwordProperty = get(port, "/actuator/env/spring.cloud.etcd.password");
		String health = get(port, "/actuator/health/etcd");
		String registry = get(port, "/actuator/etcd");

		assertThat(env).as("values are shown").contains("\"spring.cloud.etcd.username\"").contains("\"orders\"");
		assertThat(configprops).as("values are shown").contains("\"username\":\"orders\"");
		for (String body : List.of(env, configprops, passwordProperty, health, registry)) {
			assertThat(body).doesNotContain(PASSWORD)
				.doesNotContain(TestCertificates.STORE_PASSWORD)
				.doesNotContain(firstLine(client.keyPemBody()));
		}
		assertThat(registry).as("the registry view is there").contains(TestApps.instanceId(orders));
		assertThat(passwordProperty).contains("******");
		assertThat(configprops).contains("\"password\":\"******\"");
		assertThat(orders.getBean(EtcdProperties.class).toString()).doesNotContain(PASSWORD).contains("******");
	}

	private TestApps apps() {
		if (this.apps == null) {
			this.apps = new TestApps(etcd.clientEndpoint(), "/services");
		}
		return this.apps;
	}

	private static String[] properties(List<String> extra, String... more) {
		List<String> properties = new ArrayList<>(SecureEtcd.pkcs12Bundle("etcd", ca, client));
		properties.add("spring.cloud.etcd.username=orders");
		properties.add("spring.cloud.etcd.password=" + PASSWORD);
		properties.addAll(extra);
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	private static String get(int port, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private static String firstLine(String text) {
		return text.lines().findFirst().orElseThrow();
	}

}
