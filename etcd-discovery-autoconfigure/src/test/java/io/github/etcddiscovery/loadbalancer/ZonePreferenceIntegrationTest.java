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
 * Spring Cloud LoadBalancer's zone preference over etcd: instances register their
 * {@code spring.cloud.etcd.discovery.zone}, and a caller prefers its own zone's UP
 * instances, falling back to the others only while none is UP.
 */
class ZonePreferenceIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void callsStayInTheCallersZoneWhileAnyInstanceThereIsUpAndFallBackOtherwise() {
		ConfigurableApplicationContext east1 = inZone("east");
		ConfigurableApplicationContext east2 = inZone("east");
		ConfigurableApplicationContext west = inZone("west");
		Set<String> eastIds = Set.of(instanceId(east1), instanceId(east2));
		ConfigurableApplicationContext caller = this.apps.start("caller", "spring.cloud.etcd.discovery.zone=east",
				"spring.cloud.loadbalancer.configurations=zone-preference");
		try (LoadBalancerView view = new LoadBalancerView(caller, "provider");
				CallStream calls = CallStream.start(caller, Client.REST_TEMPLATE, "provider", 1, Duration.ofMillis(2))) {
			calls.awaitMoreCalls(30);
			assertThat(calls.sentSinceAndAnsweredByAnyOf(0, Set.of(instanceId(west)))).as("west while east is up")
				.isEmpty();
			assertThat(calls.answeredBy(instanceId(east1))).isNotEmpty();
			assertThat(calls.answeredBy(instanceId(east2))).isNotEmpty();
			long eastDownAt = System.nanoTime();

			setStatus(east1, "OUT_OF_SERVICE");
			setStatus(east2, "OUT_OF_SERVICE");

			long fellBackAt = view.awaitOfferWithout(eastIds, eastDownAt);
			calls.awaitMoreCalls(30);
			assertThat(calls.sentSinceAndAnsweredByAnyOf(fellBackAt, eastIds)).isEmpty();
			assertThat(calls.sentSinceAndAnsweredByAnyOf(fellBackAt, Set.of(instanceId(west)))).isNotEmpty();
			long eastBackAt = System.nanoTime();

			setStatus(east1, "UP");

			long backAt = view.awaitOfferWith(instanceId(east1), eastBackAt);
			calls.awaitMoreCalls(30);
			assertThat(calls.sentSinceAndAnsweredByAnyOf(backAt, Set.of(instanceId(west), instanceId(east2))))
				.isEmpty();
			assertThat(calls.failures()).isEmpty();
		}
	}

	@Test
	void anExplicitLoadBalancerZoneWinsOverTheRegisteredOne() {
		ConfigurableApplicationContext east = inZone("east");
		ConfigurableApplicationContext west = inZone("west");
		ConfigurableApplicationContext caller = this.apps.start("caller", "spring.cloud.etcd.discovery.zone=east",
				"spring.cloud.loadbalancer.zone=west", "spring.cloud.loadbalancer.configurations=zone-preference");
		try (CallStream calls = CallStream.start(caller, Client.REST_CLIENT, "provider", 1, Duration.ofMillis(2))) {
			calls.awaitMoreCalls(20);
			assertThat(calls.answeredBy(instanceId(east))).isEmpty();
			assertThat(calls.answeredBy(instanceId(west))).isNotEmpty();
		}
	}

	private ConfigurableApplicationContext inZone(String zone) {
		return this.apps.start("provider", "spring.cloud.etcd.discovery.zone=" + zone);
	}

}
