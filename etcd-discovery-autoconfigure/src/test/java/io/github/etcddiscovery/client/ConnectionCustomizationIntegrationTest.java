package io.github.etcddiscovery.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.etcd.jetcd.ByteSequence;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two ways to take over the connection: an {@link EtcdConnectionDetails} bean wins over
 * the endpoint properties, and {@link EtcdClientBuilderCustomizer}s adjust the jetcd client
 * the starter builds. Proven by where the registration lands in a real etcd.
 */
class ConnectionCustomizationIntegrationTest {

	/** A loopback port nothing listens on: the properties point there, the details elsewhere. */
	private static final String NOBODY = "spring.cloud.etcd.endpoints=http://127.0.0.1:9";

	private static final String NAMESPACE = "/ns-" + UUID.randomUUID().toString().substring(0, 8);

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void connectionDetailsBeanWinsOverTheEndpointProperty() {
		ConfigurableApplicationContext app = this.apps.startWith(SharedEtcdDetails.class, "orders", NOBODY);

		assertThat(this.apps.etcd().keys(this.apps.keyOf(app))).containsExactly(this.apps.keyOf(app));
		assertThat(app.getBean(EtcdConnectionDetails.class).displayEndpoints())
			.containsExactly(SharedEtcd.get().clientEndpoint());
		assertThat(app.getBean(EtcdHealthIndicator.class).health(true).getDetails())
			.containsEntry("endpoints", List.of(SharedEtcd.get().clientEndpoint()));
	}

	@Test
	void withoutADetailsBeanThePropertiesAreTheConnection() {
		ConfigurableApplicationContext app = this.apps.start("orders");

		assertThat(app.getBean(EtcdConnectionDetails.class)).isInstanceOf(PropertiesEtcdConnectionDetails.class);
		assertThat(app.getBean(EtcdConnectionDetails.class).displayEndpoints())
			.containsExactly(SharedEtcd.get().clientEndpoint());
	}

	@Test
	void builderCustomizersShapeTheClientTheStarterBuilds() {
		ConfigurableApplicationContext app = this.apps.startWith(NamespaceCustomizer.class, "orders");

		String key = this.apps.keyOf(app);
		assertThat(this.apps.etcd().keys(key)).as("not outside the customizer's namespace").isEmpty();
		assertThat(this.apps.etcd().keys(NAMESPACE + key)).containsExactly(NAMESPACE + key);
	}

	@Configuration(proxyBeanMethods = false)
	static class SharedEtcdDetails {

		@Bean
		EtcdConnectionDetails sharedEtcd() {
			return () -> List.of(URI.create(SharedEtcd.get().clientEndpoint()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NamespaceCustomizer {

		@Bean
		EtcdClientBuilderCustomizer namespace() {
			return (builder) -> builder.namespace(ByteSequence.from(NAMESPACE, StandardCharsets.UTF_8));
		}

	}

}
