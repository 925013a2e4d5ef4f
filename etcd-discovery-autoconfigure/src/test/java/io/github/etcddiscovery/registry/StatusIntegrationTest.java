package io.github.etcddiscovery.registry;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Taking an instance out of rotation and back, through the registry and through Spring
 * Cloud's {@code /actuator/serviceregistry} endpoint.
 */
class StatusIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void outOfServiceHidesTheInstanceFromLoadBalancedCallsAndUpRestoresIt() {
		ConfigurableApplicationContext stays = this.apps.start("orders");
		ConfigurableApplicationContext paused = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway");
		EtcdDiscoveryClient view = caller.getBean(EtcdDiscoveryClient.class);
		await().until(() -> view.getInstances("orders").size() == 2);
		EtcdServiceRegistry registry = paused.getBean(EtcdServiceRegistry.class);
		EtcdRegistration registration = TestApps.registration(paused);
		String key = this.apps.keyOf(paused);
		long leaseBefore = this.apps.etcd().keyValue(key).getLease();

		registry.setStatus(registration, "OUT_OF_SERVICE");

		await().until(() -> view.getInstances("orders").size() == 1);
		assertThat(TestApps.instancesReached(caller, "orders", 10)).containsExactly(TestApps.registration(stays).getInstanceId());
		assertThat((String) registry.getStatus(registration)).isEqualTo("OUT_OF_SERVICE");
		assertThat(this.apps.etcd().keyValue(key).getLease()).as("same lease").isEqualTo(leaseBefore);

		registry.setStatus(registration, "UP");

		await().until(() -> view.getInstances("orders").size() == 2);
		assertThat(TestApps.instancesReached(caller, "orders", 10)).hasSize(2);
	}

	@Test
	void serviceRegistryActuatorEndpointReadsAndWritesTheStatus() {
		ConfigurableApplicationContext app = this.apps.start("orders");
		String endpoint = "http://127.0.0.1:" + TestApps.port(app) + "/actuator/serviceregistry";
		RestClient http = RestClient.create();
		String key = this.apps.keyOf(app);

		assertThat(http.get().uri(endpoint).retrieve().body(String.class)).contains("UP");

		TestApps.setStatus(app, "OUT_OF_SERVICE");

		assertThat(http.get().uri(endpoint).retrieve().body(String.class)).contains("OUT_OF_SERVICE");
		await().until(() -> this.apps.etcd().value(key).contains("\"status\":\"OUT_OF_SERVICE\""));
	}


	@Test
	void withRemoveWhenNotUpTheKeyIsGoneWhileOutOfServiceForClientsThatIgnoreTheStatus() {
		ConfigurableApplicationContext paused = this.apps.start("orders",
				"spring.cloud.etcd.discovery.remove-when-not-up=true");
		String key = this.apps.keyOf(paused);
		String up = this.apps.etcd().value(key);

		TestApps.setStatus(paused, "OUT_OF_SERVICE");

		// What Go's resolver sees: the keys under the service's prefix, whatever their status.
		await().until(() -> this.apps.etcd().keys(this.apps.prefix() + "/orders/").isEmpty());
		assertThat(TestApps.registration(paused).getStatus()).isEqualTo("OUT_OF_SERVICE");
		assertThat(paused.getBean(io.github.etcddiscovery.health.EtcdHealthIndicator.class).health(true).getDetails())
			.containsEntry("state", "WITHDRAWN");

		TestApps.setStatus(paused, "UP");

		await().until(() -> this.apps.etcd().value(key) != null);
		assertThat(this.apps.etcd().value(key)).isEqualTo(up);
		assertThat(this.apps.etcd().keyValue(key).getLease()).isNotZero();

		paused.close();
		assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders/")).isEmpty();
	}

}
