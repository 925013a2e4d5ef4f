package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.HintBasedServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RetryAwareServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.SameInstancePreferenceServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ZonePreferenceServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our pushed list is the base every load-balanced client stands on, under whatever standard
 * supplier the application asks for, and it steps aside when switched off or when a client
 * brings a supplier of its own.
 */
class SupplierCompositionIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void everyLoadBalancedClientGetsThePushedListWithoutACacheOnTop() {
		ConfigurableApplicationContext caller = this.apps.start("caller");

		assertThat(chainOf(caller, "provider")).containsExactly(EtcdServiceInstanceListSupplier.class);
		assertThat(chainOf(caller, "another")).containsExactly(EtcdServiceInstanceListSupplier.class);
		assertThat(caller.getEnvironment().getProperty("spring.cloud.loadbalancer.cache.enabled")).isEqualTo("false");
	}

	@Test
	void switchedOffTheDefaultDiscoveryClientSupplierAndItsCacheComeBack() {
		this.apps.start("provider");
		ConfigurableApplicationContext caller = this.apps.start("caller",
				"spring.cloud.etcd.loadbalancer.enabled=false");

		assertThat(chainOf(caller, "provider")).first().isEqualTo(CachingServiceInstanceListSupplier.class);
		assertThat(chainOf(caller, "provider")).doesNotContain(EtcdServiceInstanceListSupplier.class);
		try (CallStream calls = CallStream.start(caller, Client.REST_TEMPLATE, "provider", 1, Duration.ofMillis(2))) {
			calls.awaitMoreCalls(5);
			assertThat(calls.failures()).isEmpty();
		}
	}

	@Test
	void theStandardSupplierNamedByConfigurationsGoesOnTopOfOurs() {
		assertThat(chainWith("spring.cloud.loadbalancer.configurations=zone-preference"))
			.containsExactly(ZonePreferenceServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
		assertThat(chainWith("spring.cloud.loadbalancer.configurations=same-instance-preference")).containsExactly(
				SameInstancePreferenceServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
		assertThat(chainWith("spring.cloud.loadbalancer.clients.provider.configurations=health-check"))
			.containsExactly(HealthCheckServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
	}

	@Test
	void retriesWrapOurListSoThatARetryAvoidsTheInstanceThatFailed() {
		assertThat(chainWith("spring.cloud.loadbalancer.retry.enabled=true"))
			.containsExactly(RetryAwareServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
	}

	@Test
	void aClientWithASupplierOfItsOwnKeepsIt_hereHintsOverOurList() {
		this.apps.start("provider");
		ConfigurableApplicationContext canary = this.apps.start("provider",
				"spring.cloud.etcd.discovery.metadata.hint=canary");
		ConfigurableApplicationContext caller = this.apps.startWith(HintsForProvider.class, "caller",
				"spring.cloud.loadbalancer.hint.provider=canary");

		assertThat(chainOf(caller, "provider")).containsExactly(HintBasedServiceInstanceListSupplier.class,
				EtcdServiceInstanceListSupplier.class);
		try (CallStream calls = CallStream.start(caller, Client.REST_TEMPLATE, "provider", 1, Duration.ofMillis(2))) {
			calls.awaitMoreCalls(20);
			assertThat(calls.calls()).allMatch(call -> instanceId(canary).equals(call.instance()));
		}
	}

	private List<Class<?>> chainWith(String property) {
		return chainOf(this.apps.start("caller", property), "provider");
	}

	/** The supplier a client's load balancer uses, then each delegate under it. */
	private static List<Class<?>> chainOf(ConfigurableApplicationContext caller, String serviceId) {
		List<Class<?>> chain = new ArrayList<>();
		ServiceInstanceListSupplier supplier = caller.getBean(LoadBalancerClientFactory.class)
			.getInstance(serviceId, ServiceInstanceListSupplier.class);
		while (supplier != null) {
			chain.add(supplier.getClass());
			supplier = (supplier instanceof DelegatingServiceInstanceListSupplier delegating) ? delegating.getDelegate()
					: null;
		}
		return chain;
	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClient(name = "provider", configuration = HintsConfiguration.class)
	static class HintsForProvider {

	}

	static class HintsConfiguration {

		@Bean
		ServiceInstanceListSupplier hintsOverEtcd(ConfigurableApplicationContext context) {
			return ServiceInstanceListSupplier.builder()
				.withBase(EtcdServiceInstanceListSupplier.of(context))
				.withHints()
				.build(context);
		}

	}

}
