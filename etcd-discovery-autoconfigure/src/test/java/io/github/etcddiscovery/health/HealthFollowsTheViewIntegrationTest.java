package io.github.etcddiscovery.health;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health describes the discovery view an application serves, never one it does not hold yet:
 * while the view's listeners are still being told of a change at revision R (the view already
 * replaced), the cache and health still say the revision before; once they say R, lookups
 * answer with it. Against a real etcd and a real application, in both watch modes. A listener
 * holds the change up so that the moment between "view replaced" and "state published" can be
 * looked at; with the state published first, health said R while the listener still ran.
 */
class HealthFollowsTheViewIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@ParameterizedTest
	@ValueSource(strings = { "all", "per-service" })
	void healthSaysARevisionOnlyOnceTheViewHoldsIt(String mode) throws Exception {
		ConfigurableApplicationContext caller = this.apps.start("gateway", "spring.cloud.etcd.discovery.watch=" + mode);
		EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
		EtcdHealthIndicator health = caller.getBean(EtcdHealthIndicator.class);
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);
		// With per-service, the lookup starts holding the service.
		assertThat(discovery.getInstances("orders")).isEmpty();
		CountDownLatch told = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<List<EtcdServiceInstance>> heldWhileTold = new AtomicReference<>();
		cache.addListener((services) -> {
			if (services.contains("orders") && told.getCount() > 0) {
				heldWhileTold.set(cache.instances("orders"));
				told.countDown();
				awaitAtMostTenSeconds(release);
			}
		});
		long revision;
		try {
			this.apps.etcd().put(this.apps.prefix() + "/orders/o-1", "127.0.0.1:4001");
			revision = this.apps.etcd().keyValue(this.apps.prefix() + "/orders/o-1").getModRevision();
			assertThat(told.await(10, TimeUnit.SECONDS)).as("the listener heard of the change").isTrue();

			assertThat(heldWhileTold.get()).as("the view is replaced before its listeners hear").hasSize(1);
			assertThat(cache.getRevision()).as("the cache's revision while the listener runs").isLessThan(revision);
			assertThat(discoveryRevision(health)).as("health's revision while the listener runs").isLessThan(revision);
		}
		finally {
			release.countDown();
		}

		await().until(() -> discoveryRevision(health) >= revision);
		assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
		assertThat(discovery.getInstances("orders")).hasSize(1);
	}

	private static long discoveryRevision(EtcdHealthIndicator health) {
		Map<?, ?> discovery = (Map<?, ?>) health.health(true).getDetails().get("discovery");
		return ((Number) discovery.get("revision")).longValue();
	}

	private static void awaitAtMostTenSeconds(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
