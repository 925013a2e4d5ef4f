package io.github.etcddiscovery.discovery;

import java.time.Duration;

import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code watch=per-service} every service looked up is a mirror of its own, and the
 * mirrors of one application share the cache's few threads: threads do not grow with the
 * services held, and closing the application stops them all. Against a real etcd and a real
 * application.
 */
class SharedMirrorThreadsIntegrationTest {

	private static final int SERVICES = 30;

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void thirtyServicesHeldRunOnTwoThreadsThatStopWithTheApplication() {
		for (int i = 0; i < SERVICES; i++) {
			this.apps.etcd().put(this.apps.prefix() + "/service-" + i + "/a", "127.0.0.1:" + (4000 + i));
		}
		long before = discoveryThreads();
		ConfigurableApplicationContext caller = this.apps.start("gateway", PerServiceWatchIntegrationTest.PER_SERVICE);
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);

		for (int i = 0; i < SERVICES; i++) {
			assertThat(discovery.getInstances("service-" + i)).as("service-" + i).hasSize(1);
		}
		// Every mirror still follows its service: a change reaches the last one and the first.
		this.apps.etcd().put(this.apps.prefix() + "/service-0/b", "127.0.0.1:5000");
		this.apps.etcd().put(this.apps.prefix() + "/service-" + (SERVICES - 1) + "/b", "127.0.0.1:5001");
		await().until(() -> discovery.getInstances("service-0").size() == 2
				&& discovery.getInstances("service-" + (SERVICES - 1)).size() == 2);

		assertThat(caller.getBean(EtcdDiscoveryCache.class).services()).hasSize(SERVICES);
		assertThat(discoveryThreads() - before).as("threads of the discovery view for %d services held", SERVICES)
			.isBetween(1L, 2L);

		caller.close();

		await().atMost(Duration.ofSeconds(10)).until(() -> discoveryThreads() == before);
	}

	private static long discoveryThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().matches(EtcdDiscoveryCache.THREADS + "\\d+"))
			.count();
	}

}
