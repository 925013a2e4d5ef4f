package io.github.etcddiscovery.config;

import java.time.Duration;

import io.github.etcddiscovery.testapp.TestApps;
import io.github.etcddiscovery.testapp.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static io.github.etcddiscovery.config.ConfigRefreshIntegrationTest.awaitWatching;
import static io.github.etcddiscovery.config.ConfigRefreshIntegrationTest.demo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad data in etcd is skipped with one warning per key, never shown, and the rest loads;
 * secret-looking properties from etcd are masked by the actuator.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigDataIntegrationTest {

	private static final String SECRET = "s3cr3t-value-never-shown";

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void badKeysAreSkippedWithOneWarningEachAndTheRestLoadsAndRefreshes(CapturedOutput output) {
		String context = this.apps.prefix() + "-config/orders/";
		this.apps.etcd().put(context + "demo/a", "good");
		this.apps.etcd().put(context + "not utf8", new byte[] { (byte) 0xC3, (byte) 0x28 });
		this.apps.etcd().put(context + "binary", new byte[] { (byte) 0xFF, (byte) 0xFE, 0x00 });
		this.apps.etcd().put(context + "a//b", SECRET);

		ConfigurableApplicationContext orders = start(context);
		awaitWatching(orders);
		assertThat(demo(orders).getA()).isEqualTo("good");

		// Refreshes read everything again: the bad keys are not warned about again.
		this.apps.etcd().put(context + "demo/a", "better");
		await().atMost(Duration.ofSeconds(5)).until(() -> demo(orders).getA().equals("better"));

		String all = output.getAll();
		assertThat(Text.occurrences(all, "Skipping etcd key '" + context + "not utf8'")).isOne();
		assertThat(Text.occurrences(all, "Skipping etcd key '" + context + "binary' in the configuration: "
				+ "the value is not valid UTF-8")).isOne();
		assertThat(Text.occurrences(all, "Skipping etcd key '" + context + "a//b' in the configuration: "
				+ "the key maps to no property name")).isOne();
		assertThat(all).doesNotContain(SECRET);
	}

	@Test
	void aBrokenYamlDocumentIsSkippedAndTheOtherContextsLoad(CapturedOutput output) {
		String config = this.apps.prefix() + "-config";
		this.apps.etcd().put(config + "/application/data", "demo:\n  b: shared\n");
		this.apps.etcd().put(config + "/orders/data", "demo:\n  a: [" + SECRET + "\n b: : :\n");

		ConfigurableApplicationContext orders = this.apps.startWith(ConfigClient.class, "orders",
				"spring.config.import=etcd:", "spring.cloud.etcd.config.prefix=" + config,
				"spring.cloud.etcd.config.format=yaml");

		assertThat(demo(orders).getB()).isEqualTo("shared");
		assertThat(demo(orders).getA()).isEqualTo("none");
		assertThat(Text.occurrences(output.getAll(), "Skipping etcd key '" + config
				+ "/orders/data' in the configuration: the value is not a valid YAML document")).isOne();
		assertThat(output.getAll()).doesNotContain(SECRET);

		// Fixed in etcd, it arrives like any change.
		this.apps.etcd().put(config + "/orders/data", "demo:\n  a: fixed\n");
		await().atMost(Duration.ofSeconds(5)).until(() -> demo(orders).getA().equals("fixed"));
	}

	@Test
	void secretLookingPropertiesFromEtcdAreMaskedByTheActuatorEvenWithValuesShown() {
		String context = this.apps.prefix() + "-config/orders/";
		this.apps.etcd().put(context + "db/password", SECRET + "1");
		this.apps.etcd().put(context + "payments/api-key", SECRET + "2");
		this.apps.etcd().put(context + "auth/token", SECRET + "3");
		this.apps.etcd().put(context + "oauth/clientSecret", SECRET + "4");
		this.apps.etcd().put(context + "demo/a", "visible-value");

		ConfigurableApplicationContext orders = start(context, "management.endpoints.web.exposure.include=env",
				"management.endpoint.env.show-values=always");
		String env = RestClient.create()
			.get()
			.uri("http://127.0.0.1:" + TestApps.port(orders) + "/actuator/env")
			.retrieve()
			.body(String.class);

		assertThat(env).contains("etcd:" + context).contains("visible-value").contains("db.password");
		assertThat(env).doesNotContain(SECRET);
		assertThat(orders.getEnvironment().getProperty("db.password")).isEqualTo(SECRET + "1");
	}

	private ConfigurableApplicationContext start(String context, String... more) {
		String config = context.substring(0, context.length() - "/orders/".length());
		String[] properties = new String[more.length + 2];
		properties[0] = "spring.config.import=etcd:";
		properties[1] = "spring.cloud.etcd.config.prefix=" + config;
		System.arraycopy(more, 0, properties, 2, more.length);
		return this.apps.startWith(ConfigClient.class, "orders", properties);
	}

}
