package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Call;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code health-check} load balancing with only the clients the README's quick start
 * defines, all {@code @LoadBalanced} ({@code TestApp}'s RestTemplate, RestClient.Builder
 * and WebClient.Builder): the pings go straight to each instance through clients of our
 * own, so healthy instances take every call and unhealthy ones none.
 */
class HealthCheckLoadBalancingIntegrationTest {

	static final String HEALTH_CHECK = "spring.cloud.loadbalancer.configurations=health-check";

	private static final int CALLS_PER_CLIENT = 150;

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void nonBlockingPingsEveryReadmeClientReachesBothProvidersWithoutAFailure() {
		callBothProvidersWithEveryClient(HEALTH_CHECK);
	}

	@Test
	void blockingPingsEveryReadmeClientReachesBothProvidersWithoutAFailure() {
		callBothProvidersWithEveryClient(HEALTH_CHECK, "spring.cloud.discovery.reactive.enabled=false");
	}

	@Test
	void anInstanceWhoseHealthAnswers503GetsNoCall() {
		ConfigurableApplicationContext healthy = this.apps.start("provider");
		ConfigurableApplicationContext failing = this.apps.start("provider",
				"management.endpoint.health.status.http-mapping.up=503");
		ConfigurableApplicationContext caller = this.apps.start("caller", HEALTH_CHECK);

		try (CallStream calls = CallStream.start(caller, Client.REST_TEMPLATE, "provider", 1, Duration.ofMillis(2))) {
			calls.awaitMoreCalls(100);
			assertThat(calls.failures()).isEmpty();
			assertThat(calls.answeredBy(instanceId(healthy))).isNotEmpty();
			assertThat(calls.answeredBy(instanceId(failing))).isEmpty();
		}
	}

	private void callBothProvidersWithEveryClient(String... callerProperties) {
		Set<String> providers = Set.of(instanceId(this.apps.start("provider")),
				instanceId(this.apps.start("provider")));
		ConfigurableApplicationContext caller = this.apps.start("caller", callerProperties);
		assertThat(caller.getBean(LoadBalancerClientFactory.class)
			.getInstance("provider", ServiceInstanceListSupplier.class))
			.isInstanceOf(HealthCheckServiceInstanceListSupplier.class);

		for (Client client : Client.values()) {
			try (CallStream calls = CallStream.start(caller, client, "provider", 1, Duration.ofMillis(2))) {
				calls.awaitMoreCalls(CALLS_PER_CLIENT);
				calls.close();
				assertThat(calls.failures()).as(client + " failures").isEmpty();
				assertThat(calls.calls().stream().map(Call::instance).collect(Collectors.toSet())).as(client + " reached")
					.isEqualTo(providers);
				System.out.println("[loadbalancing] health-check, " + client + ": " + calls.calls().size()
						+ " calls, 0 failed, both providers answered");
			}
		}
	}

}
