package io.github.etcddiscovery.config;

import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real applications load their configuration from a real etcd: every context, with the
 * right precedence and profiles, in each format.
 */
class ConfigLoadingIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void keyValueContextsMostSpecificFirstWithProfiles() {
		String config = this.apps.prefix() + "-config";
		put(config + "/application/greeting/message", "from application");
		put(config + "/application/demo/a", "application");
		put(config + "/application/demo/b", "application");
		put(config + "/application/demo/timeout", "application");
		put(config + "/application,dev/demo/a", "application,dev");
		put(config + "/application,dev/demo/b", "application,dev");
		put(config + "/orders/demo/a", "orders");
		put(config + "/orders,dev/demo/a", "orders,dev");
		put(config + "/orders,prod/demo/a", "orders,prod");
		put(config + "/billing/demo/b", "billing");

		ConfigurableApplicationContext orders = start("orders", "spring.config.import=etcd:",
				"spring.cloud.etcd.config.prefix=" + config, "spring.profiles.active=dev");

		Environment env = orders.getEnvironment();
		assertThat(env.getProperty("demo.a")).isEqualTo("orders,dev");
		assertThat(env.getProperty("demo.b")).isEqualTo("application,dev");
		assertThat(env.getProperty("demo.timeout")).isEqualTo("application");
		assertThat(orders.getBean(ConfigClient.Greeting.class).message()).isEqualTo("from application");
		assertThat(orders.getBean(ConfigClient.DemoProperties.class).getA()).isEqualTo("orders,dev");
	}

	@Test
	void yamlDocumentsPerContext() {
		String config = this.apps.prefix() + "-config";
		put(config + "/application/data", "demo:\n  a: application\n  b: application\n  timeout: 5s\n");
		put(config + "/orders/data", "demo:\n  a: orders\ngreeting:\n  message: hello from yaml\n");
		put(config + "/orders/demo/b", "not read in yaml format");

		ConfigurableApplicationContext orders = start("orders", "spring.config.import=etcd:",
				"spring.cloud.etcd.config.prefix=" + config, "spring.cloud.etcd.config.format=yaml");

		assertThat(orders.getBean(ConfigClient.DemoProperties.class)).satisfies(demo -> {
			assertThat(demo.getA()).isEqualTo("orders");
			assertThat(demo.getB()).isEqualTo("application");
			assertThat(demo.getTimeout()).isEqualTo("5s");
		});
		assertThat(orders.getBean(ConfigClient.Greeting.class).message()).isEqualTo("hello from yaml");
	}

	@Test
	void propertiesDocumentsUnderTheirDataKeyAndInlineEndpoints() {
		String config = this.apps.prefix() + "-cfg";
		put(config + "/application/settings", "demo.a=application\ndemo.b=application\n");
		put(config + "/orders/settings", "demo.a=orders\n");

		ConfigurableApplicationContext orders = start("orders",
				"spring.config.import=etcd:" + SharedEtcd.get().clientEndpoint(),
				"spring.cloud.etcd.endpoints=http://127.0.0.1:9", "spring.cloud.etcd.config.prefix=" + config,
				"spring.cloud.etcd.config.format=properties", "spring.cloud.etcd.config.data-key=settings",
				// The discovery side talks to nothing there; it starts anyway and retries.
				"spring.cloud.etcd.request-timeout=500ms");

		assertThat(orders.getEnvironment().getProperty("demo.a")).isEqualTo("orders");
		assertThat(orders.getEnvironment().getProperty("demo.b")).isEqualTo("application");
	}

	@Test
	void theNamespacePrefixesTheContexts() {
		String namespace = this.apps.prefix() + "-ns";
		put(namespace + "/config/orders/demo/a", "namespaced");
		put("/config/orders/demo/a", "outside the namespace");

		ConfigurableApplicationContext orders = start("orders", "spring.config.import=etcd:",
				"spring.cloud.etcd.namespace=" + namespace);

		assertThat(orders.getEnvironment().getProperty("demo.a")).isEqualTo("namespaced");
		this.apps.etcd().delete("/config/orders/demo/a");
	}

	@Test
	void withoutTheImportNothingIsReadFromEtcd() {
		String config = this.apps.prefix() + "-config";
		put(config + "/orders/demo/a", "orders");

		ConfigurableApplicationContext orders = start("orders", "spring.cloud.etcd.config.prefix=" + config);

		assertThat(orders.getEnvironment().getProperty("demo.a")).isNull();
		assertThat(orders.getBeanNamesForType(EtcdConfigWatch.class)).isEmpty();
	}

	private ConfigurableApplicationContext start(String name, String... properties) {
		return this.apps.startWith(ConfigClient.class, name, properties);
	}

	private void put(String key, String value) {
		this.apps.etcd().put(key, value);
	}

}
