package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's jetcd client starts a request on the thread that makes it
 * ({@link DirectRequestExecutor}), not on a pool of jetcd's, and a customizer's executor wins.
 * Proven on a real etcd by the thread on which gRPC is asked for each put's call.
 */
class RequestThreadIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void aRequestStartsOnTheThreadThatMakesIt() throws Exception {
		ConfigurableApplicationContext app = this.apps.startWith(PutThreads.Recorded.class, "orders");
		List<Thread> starts = app.getBean(PutThreads.class).starts();

		put(app.getBean(Client.class));

		assertThat(starts).contains(Thread.currentThread());
	}

	@Test
	void anExecutorSetByACustomizerWins() throws Exception {
		ConfigurableApplicationContext app = this.apps.startWith(CustomExecutor.class, "orders");
		List<Thread> starts = app.getBean(PutThreads.class).starts();
		starts.clear();

		put(app.getBean(Client.class));

		assertThat(starts).isNotEmpty()
			.doesNotContain(Thread.currentThread())
			.allSatisfy((thread) -> assertThat(thread.getName()).startsWith("custom-requests-"));
	}

	private static void put(Client client) throws Exception {
		ByteSequence key = bytes("/request-thread/" + UUID.randomUUID());
		client.getKVClient().put(key, bytes("v")).get(10, TimeUnit.SECONDS);
		client.getKVClient().delete(key).get(10, TimeUnit.SECONDS);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomExecutor extends PutThreads.Recorded {

		@Bean(destroyMethod = "shutdownNow")
		ExecutorService customRequests() {
			return Executors.newCachedThreadPool(new CustomizableThreadFactory("custom-requests-"));
		}

		@Bean
		EtcdClientBuilderCustomizer customExecutor(ExecutorService customRequests) {
			return (builder) -> builder.executorService(customRequests);
		}

	}

}
