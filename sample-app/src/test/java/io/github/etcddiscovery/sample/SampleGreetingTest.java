package io.github.etcddiscovery.sample;

import java.time.Duration;

import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as demo.sh runs it: its greeting comes from etcd and changes live.
 */
class SampleGreetingTest {

	private final String prefix = SharedEtcd.uniquePrefix("sample-greeting");

	private ConfigurableApplicationContext sample;

	@AfterEach
	void close() {
		if (this.sample != null) {
			this.sample.close();
		}
	}

	@Test
	void theGreetingComesFromEtcdAndChangesWhileRunning() {
		String config = this.prefix + "-config";
		SharedEtcd.get().etcdctl("put", config + "/application/sample/greeting", "Hello from etcd");
		this.sample = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--spring.cloud.etcd.endpoints=" + SharedEtcd.get().clientEndpoint(),
				"--spring.cloud.etcd.config.prefix=" + config, "--spring.cloud.etcd.discovery.prefix=" + this.prefix,
				"--spring.cloud.etcd.discovery.host=127.0.0.1", "--spring.main.banner-mode=off",
				"--spring.cloud.gateway.server.webflux.enabled=false");
		RestClient client = RestClient
			.create("http://127.0.0.1:" + this.sample.getBean(Registration.class).getPort());
		assertThat(client.get().uri("/greeting").retrieve().body(String.class)).contains("Hello from etcd");

		SharedEtcd.get().etcdctl("put", config + "/sample-app/sample/greeting", "Bonjour from etcd");

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(client.get().uri("/greeting").retrieve().body(String.class))
				.contains("Bonjour from etcd"));
	}

}
