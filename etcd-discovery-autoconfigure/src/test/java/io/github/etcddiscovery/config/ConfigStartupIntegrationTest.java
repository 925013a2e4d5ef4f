package io.github.etcddiscovery.config;

import java.time.Duration;
import java.util.Map;

import io.github.etcddiscovery.client.EtcdTestClient;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.test.EtcdBinaries;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Startup without the configuration's etcd: {@code optional:etcd:} (or fail-fast=false)
 * starts and takes the configuration once etcd answers; a plain {@code etcd:} import fails
 * with a report naming the endpoints and the keys tried.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigStartupIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	/** Stopped: the import points at it while nothing answers there. */
	private EtcdServer absent;

	@BeforeEach
	void startAndStopEtcd() {
		assumeTrue(EtcdBinaries.etcd().isPresent(), "stopping and starting etcd needs a local binary");
		this.absent = EtcdServer.builder().name("config-absent").requireBinary().start();
		this.absent.stop();
	}

	@AfterEach
	void closeEtcd() {
		this.apps.close();
		if (this.absent != null) {
			this.absent.close();
		}
	}

	@Test
	void withoutOptionalStartupFailsNamingTheEndpointsAndKeysTried(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> start("spring.config.import=etcd:" + this.absent.clientEndpoint()));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Cannot load the configuration from etcd at [" + this.absent.clientEndpoint() + "]",
				"Keys tried: /config/orders,default/, /config/orders/, /config/application,default/, "
						+ "/config/application/ (every key under each)",
				"import optional:etcd: or set spring.cloud.etcd.config.fail-fast=false");
	}

	@Test
	void optionalStartsWithoutEtcdAndTakesTheConfigurationOnceItAnswers() {
		ConfigurableApplicationContext orders = start(
				"spring.config.import=optional:etcd:" + this.absent.clientEndpoint());
		assertThat(orders.getBean(ConfigClient.Greeting.class).message()).isEqualTo("none");
		await().atMost(Duration.ofSeconds(5)).until(() -> "not loaded yet: etcd has not answered since startup"
			.equals(config(orders).get("configuration")));

		this.absent.restart();
		try (EtcdTestClient etcd = new EtcdTestClient(this.absent.clientEndpoint())) {
			etcd.put("/config/orders/greeting/message", "arrived");
		}

		await().atMost(Duration.ofSeconds(10))
			.until(() -> orders.getBean(ConfigClient.Greeting.class).message().equals("arrived"));
		assertThat(config(orders)).containsEntry("following", true);
	}

	@Test
	void aSettingThatCannotWorkFailsStartupNamingItAndTheFix(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> start("spring.config.import=etcd:",
				"spring.cloud.etcd.config.prefix=config"));

		assertThat(failure).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START",
				"The etcd discovery setting 'spring.cloud.etcd.config.prefix' is invalid: it must start with '/'",
				"Set spring.cloud.etcd.config.prefix to a key prefix such as /config.");
	}

	@Test
	void failFastFalseStartsWithoutEtcdToo() {
		ConfigurableApplicationContext orders = start("spring.config.import=etcd:" + this.absent.clientEndpoint(),
				"spring.cloud.etcd.config.fail-fast=false");

		assertThat(orders.getBean(ConfigClient.Greeting.class).message()).isEqualTo("none");
	}

	private ConfigurableApplicationContext start(String... properties) {
		String[] all = new String[properties.length + 1];
		System.arraycopy(properties, 0, all, 0, properties.length);
		all[properties.length] = "spring.cloud.etcd.request-timeout=1s";
		return this.apps.startWith(ConfigClient.class, "orders", all);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> config(ConfigurableApplicationContext app) {
		return (Map<String, Object>) app.getBean(EtcdHealthIndicator.class).health(true).getDetails().get("config");
	}

}
