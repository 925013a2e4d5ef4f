package io.github.etcddiscovery.discovery;

import java.time.Duration;

import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The periodic check that catches what a watch missed, and costs nothing when it missed
 * nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResyncIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void lostWatchEventsAreRepairedByThePeriodicCheck(CapturedOutput output) {
		ConfigurableApplicationContext app = this.apps.start("caller",
				"spring.cloud.etcd.discovery.resync-interval=300ms");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
		this.apps.etcd().put(this.apps.prefix() + "/order/a", "127.0.0.1:1001");
		await().until(() -> discovery.getInstances("order").size() == 1);

		app.getBean(EtcdDiscoveryCache.class).dropWatchForTest();
		this.apps.etcd().delete(this.apps.prefix() + "/order/a");
		this.apps.etcd().put(this.apps.prefix() + "/order/b", "127.0.0.1:1002");

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("order")).extracting(ServiceInstance::getInstanceId)
				.containsExactly("b"));
		assertThat(output).contains("etcd discovery view drifted from etcd");
	}

	@Test
	void anUnchangedViewIsNeverListedAgain(CapturedOutput output) {
		this.apps.etcd().put(this.apps.prefix() + "/order/bad", "garbage");
		ConfigurableApplicationContext app = this.apps.start("caller",
				"spring.cloud.etcd.discovery.resync-interval=200ms");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
		await().until(() -> discovery.getInstances("caller").size() == 1);

		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(3))
			.until(() -> !output.getOut().contains("drifted"));
	}

}
