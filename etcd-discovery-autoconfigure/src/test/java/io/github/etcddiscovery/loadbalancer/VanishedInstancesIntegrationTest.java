package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.Set;

import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.LoadBalancerView;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static io.github.etcddiscovery.testapp.TestApps.setStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When every instance of a service vanishes from etcd at once, as when an etcd back from an
 * outage expires all leases, callers keep the last list for a moment instead of having no
 * instance at all until the instances register again; a service that is really gone, or
 * taken out of service, still leaves.
 */
class VanishedInstancesIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void theOnlyInstanceDeletedFromEtcdAndPutBackAfterAWhileFailsNoCall() {
		ConfigurableApplicationContext provider = this.apps.start("provider");
		// Written as another writer would, so that the test decides when it comes back.
		String key = this.apps.prefix() + "/legacy/legacy-1";
		String address = "127.0.0.1:" + TestApps.port(provider);
		this.apps.etcd().put(key, address);
		ConfigurableApplicationContext caller = this.apps.start("caller");
		try (CallStream calls = CallStream.start(caller, Client.REST_CLIENT, "legacy", 2, Duration.ofMillis(1))) {
			calls.awaitMoreCalls(20);
			long deletedAt = System.nanoTime();

			this.apps.etcd().delete(key);
			calls.awaitMoreCalls(200);
			long backAt = System.nanoTime();
			this.apps.etcd().put(key, address);
			calls.awaitMoreCalls(20);
			calls.close();

			assertThat(calls.failures()).isEmpty();
			assertThat(Duration.ofNanos(backAt - deletedAt)).as("back within the grace")
				.isLessThan(EtcdServiceInstanceListSupplier.VANISHED_GRACE);
			assertThat(calls.sentSinceAndAnsweredByAnyOf(deletedAt, Set.of(instanceId(provider))))
				.as("calls while the key was gone")
				.hasSizeGreaterThanOrEqualTo(200);
		}
	}

	@Test
	void aServiceThatIsReallyGoneLeavesAfterTheGraceAndOutOfServiceLeavesAtOnce() {
		ConfigurableApplicationContext stopping = this.apps.start("provider");
		ConfigurableApplicationContext paused = this.apps.start("paused");
		ConfigurableApplicationContext caller = this.apps.start("caller");
		try (LoadBalancerView gone = new LoadBalancerView(caller, "provider");
				LoadBalancerView outOfService = new LoadBalancerView(caller, "paused")) {
			String stoppingId = instanceId(stopping);
			gone.awaitOfferWith(stoppingId, Long.MIN_VALUE);
			outOfService.awaitOfferWith(instanceId(paused), Long.MIN_VALUE);
			long stoppedAt = System.nanoTime();

			stopping.close();
			setStatus(paused, "OUT_OF_SERVICE");

			long outAt = outOfService.awaitOfferWithout(Set.of(instanceId(paused)), stoppedAt);
			long goneAt = gone.awaitOfferWithout(Set.of(stoppingId), stoppedAt);
			assertThat(Duration.ofNanos(outAt - stoppedAt)).isLessThan(EtcdServiceInstanceListSupplier.VANISHED_GRACE);
			assertThat(Duration.ofNanos(goneAt - stoppedAt))
				.isGreaterThanOrEqualTo(EtcdServiceInstanceListSupplier.VANISHED_GRACE);
		}
	}

}
