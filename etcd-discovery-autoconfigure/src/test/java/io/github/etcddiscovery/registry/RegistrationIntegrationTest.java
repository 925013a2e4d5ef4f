package io.github.etcddiscovery.registry;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApp;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens to an application's own registration, from startup to shutdown, against a
 * real etcd.
 */
class RegistrationIntegrationTest {

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void readyApplicationIsRegisteredUnderItsKeyWithTheDocumentedValue() {
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.discovery.zone=eu-1",
				"spring.cloud.etcd.discovery.metadata.version=2");
		EtcdRegistration registration = TestApps.registration(app);

		JsonNode value = this.json.readTree(this.apps.etcd().value(this.apps.keyOf(app)));

		assertThat(value.get("serviceId").stringValue()).isEqualTo("orders");
		assertThat(value.get("instanceId").stringValue()).isEqualTo(registration.getInstanceId());
		assertThat(value.get("host").stringValue()).isEqualTo("127.0.0.1");
		assertThat(value.get("port").intValue()).isEqualTo(registration.getPort()).isPositive();
		assertThat(value.get("secure").booleanValue()).isFalse();
		assertThat(value.get("status").stringValue()).isEqualTo("UP");
		assertThat(value.get("metadata").get("zone").stringValue()).isEqualTo("eu-1");
		assertThat(value.get("metadata").get("version").stringValue()).isEqualTo("2");
		assertThat(value.get("addr").stringValue()).isEqualTo("127.0.0.1:" + registration.getPort());
		assertThat(this.apps.etcd().keyValue(this.apps.keyOf(app)).getLease()).as("attached to a lease").isNotZero();
	}

	@Test
	void twoInstancesOnOneHostGetDistinctIds() {
		ConfigurableApplicationContext first = this.apps.start("orders");
		ConfigurableApplicationContext second = this.apps.start("orders");

		assertThat(TestApps.registration(first).getInstanceId())
			.isNotEqualTo(TestApps.registration(second).getInstanceId());
		assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders/")).hasSize(2);
	}

	@Test
	void gracefulStopRemovesTheInstanceFromPeersWithinASecond() {
		ConfigurableApplicationContext leaving = this.apps.start("orders");
		ConfigurableApplicationContext peer = this.apps.start("billing");
		EtcdDiscoveryClient peerView = peer.getBean(EtcdDiscoveryClient.class);
		await().until(() -> peerView.getInstances("orders").size() == 1);

		leaving.close();
		long closedAt = System.nanoTime();

		await().atMost(Duration.ofSeconds(1)).until(() -> peerView.getInstances("orders").isEmpty());
		assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
		assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders/")).isEmpty();
	}

	@Test
	void deregistersBeforeTheWebServerDrainsInFlightRequests() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders", "server.shutdown=graceful");
		String key = this.apps.keyOf(app);
		TestApp.slowRequestGate = new CountDownLatch(1);
		TestApp.slowRequestStarted = new CountDownLatch(1);
		CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(
				() -> RestClient.create().get().uri("http://127.0.0.1:" + TestApps.port(app) + "/slow").retrieve().body(String.class));
		assertThat(TestApp.slowRequestStarted.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);

		await().until(() -> this.apps.etcd().value(key) == null);
		assertThat(inFlight).as("the request is still being served").isNotDone();
		TestApp.slowRequestGate.countDown();
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("done");
		closing.get(20, TimeUnit.SECONDS);
	}

	@Test
	void processThatDiesWithoutDeregisteringDisappearsAfterItsTtl() throws Exception {
		ConfigurableApplicationContext peer = this.apps.start("billing");
		EtcdDiscoveryClient peerView = peer.getBean(EtcdDiscoveryClient.class);
		Process process = startSeparateJvm("orders", "spring.cloud.etcd.discovery.ttl=3s");
		try {
			await().atMost(Duration.ofSeconds(60)).until(() -> peerView.getInstances("orders").size() == 1);

			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			long killedAt = System.nanoTime();

			assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders/")).as("nobody deregistered it").hasSize(1);
			await().atMost(Duration.ofSeconds(8)).until(() -> peerView.getInstances("orders").isEmpty());
			assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isGreaterThan(Duration.ofSeconds(1));
		}
		finally {
			process.destroyForcibly();
		}
	}

	@Test
	void aKeyDeletedBehindOurBackIsPutBackWithinASecond() {
		ConfigurableApplicationContext app = this.apps.start("orders");
		String key = this.apps.keyOf(app);
		String value = this.apps.etcd().value(key);

		this.apps.etcd().delete(key);
		long deletedAt = System.nanoTime();

		await().atMost(Duration.ofSeconds(1)).until(() -> this.apps.etcd().value(key) != null);
		assertThat(Duration.ofNanos(System.nanoTime() - deletedAt)).isLessThan(Duration.ofSeconds(1));
		assertThat(this.apps.etcd().value(key)).isEqualTo(value);
		assertThat(this.apps.etcd().keyValue(key).getLease()).isNotZero();
	}

	@Test
	void aRevokedLeaseIsReplacedAndTheKeyPutBack() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders");
		String key = this.apps.keyOf(app);
		long lease = this.apps.etcd().keyValue(key).getLease();

		this.apps.etcd().jetcd().getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);

		await().atMost(Duration.ofSeconds(1)).until(() -> this.apps.etcd().value(key) != null);
		assertThat(this.apps.etcd().keyValue(key).getLease()).isNotZero().isNotEqualTo(lease);
	}

	@Test
	void nonWebApplicationRegistersOnlyWithAConfiguredPort() {
		ConfigurableApplicationContext withoutPort = nonWebApp("batch");
		ConfigurableApplicationContext withPort = nonWebApp("worker", "spring.cloud.etcd.discovery.port=9123");
		try {
			await().until(() -> this.apps.etcd().keys(this.apps.prefix() + "/worker/").size() == 1);
			assertThat(this.apps.etcd().value(this.apps.etcd().keys(this.apps.prefix() + "/worker/").get(0))).contains("\"port\":9123");
			assertThat(this.apps.etcd().keys(this.apps.prefix() + "/batch/")).isEmpty();
		}
		finally {
			withoutPort.close();
			withPort.close();
		}
	}

	@Test
	void withDeregisterOffTheKeyOutlivesTheApplicationUntilItsLeaseExpires() {
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.discovery.deregister=false",
				"spring.cloud.etcd.discovery.ttl=2s");
		String key = this.apps.keyOf(app);

		app.close();

		assertThat(this.apps.etcd().value(key)).isNotNull();
		await().atMost(Duration.ofSeconds(6)).until(() -> this.apps.etcd().value(key) == null);
	}

	private ConfigurableApplicationContext nonWebApp(String name, String... extra) {
		List<String> properties = new ArrayList<>(this.apps.baseProperties(name));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private Process startSeparateJvm(String name, String... extra) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), TestApp.class.getName()));
		this.apps.baseProperties(name).forEach(p -> command.add("--" + p));
		List.of(extra).forEach(p -> command.add("--" + p));
		File log = Files.createTempFile("separate-jvm", ".log").toFile();
		log.deleteOnExit();
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
	}

}
