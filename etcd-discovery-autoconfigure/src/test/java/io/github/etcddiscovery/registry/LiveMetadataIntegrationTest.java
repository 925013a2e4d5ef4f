package io.github.etcddiscovery.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metadata that changes while the application runs, through the registry's API and through
 * Spring Cloud's refresh of {@code spring.cloud.etcd.discovery.metadata.*}: the key is
 * rewritten under the same lease and peers see the change.
 */
class LiveMetadataIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void setMetadataRewritesTheKeyUnderTheSameLeaseAndPeersSeeIt() {
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.discovery.metadata.version=1");
		ConfigurableApplicationContext peer = this.apps.start("gateway");
		String key = this.apps.keyOf(app);
		long lease = this.apps.etcd().keyValue(key).getLease();
		await().until(() -> "1".equals(seenBy(peer).getMetadata().get("version")));
		EtcdRegistration registration = TestApps.registration(app);

		Map<String, String> metadata = new LinkedHashMap<>(registration.getMetadata());
		metadata.put("version", "2");
		metadata.put("weight", "5");
		long changedAt = System.nanoTime();
		app.getBean(EtcdServiceRegistry.class).setMetadata(registration, metadata);

		await().pollInterval(Duration.ofMillis(1))
			.until(() -> "2".equals(seenBy(peer).getMetadata().get("version")));
		System.out.printf("[operations] a metadata change was seen by a peer %.1f ms after setMetadata was called%n",
				(System.nanoTime() - changedAt) / 1e6);
		assertThat(this.apps.etcd().value(key)).contains("\"version\":\"2\"").contains("\"weight\":\"5\"");
		assertThat(seenBy(peer).getMetadata()).containsEntry("weight", "5");
		assertThat(this.apps.etcd().keyValue(key).getLease()).as("same lease").isEqualTo(lease);
		assertThat(seenBy(peer).getInstanceId()).isEqualTo(registration.getInstanceId());
	}

	@Test
	void refreshedMetadataPropertiesReachPeersWithoutARestart(@TempDir Path config) throws Exception {
		Path properties = config.resolve("application.properties");
		Files.writeString(properties, "spring.cloud.etcd.discovery.metadata.version=1\n"
				+ "spring.cloud.etcd.discovery.metadata.color=blue\n");
		ConfigurableApplicationContext app = this.apps.startWith(Customized.class, "orders",
				"spring.config.additional-location=file:" + config + "/",
				"spring.cloud.etcd.discovery.zone=eu-1",
				"management.endpoints.web.exposure.include=health,refresh");
		ConfigurableApplicationContext peer = this.apps.start("gateway");
		String key = this.apps.keyOf(app);
		long lease = this.apps.etcd().keyValue(key).getLease();
		await().until(() -> "1".equals(seenBy(peer).getMetadata().get("version")));
		assertThat(seenBy(peer).getMetadata()).containsEntry("color", "blue").containsEntry("build", "customized");

		Files.writeString(properties, "spring.cloud.etcd.discovery.metadata.version=2\n");
		String changed = RestClient.create()
			.post()
			.uri("http://127.0.0.1:" + TestApps.port(app) + "/actuator/refresh")
			.retrieve()
			.body(String.class);

		assertThat(changed).contains("spring.cloud.etcd.discovery.metadata.version")
			.contains("spring.cloud.etcd.discovery.metadata.color");
		await().until(() -> "2".equals(seenBy(peer).getMetadata().get("version")));
		assertThat(seenBy(peer).getMetadata()).as("removed from the properties, removed from etcd")
			.doesNotContainKey("color")
			.as("what did not come from those properties stays")
			.containsEntry("zone", "eu-1")
			.containsEntry("build", "customized");
		assertThat(this.apps.etcd().keyValue(key).getLease()).as("same lease").isEqualTo(lease);
	}

	private static ServiceInstance seenBy(ConfigurableApplicationContext peer) {
		return peer.getBean(EtcdDiscoveryClient.class).getInstances("orders").get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class Customized {

		@Bean
		EtcdRegistrationCustomizer buildCustomizer() {
			return registration -> registration.getMetadata().put("build", "customized");
		}

	}

}
