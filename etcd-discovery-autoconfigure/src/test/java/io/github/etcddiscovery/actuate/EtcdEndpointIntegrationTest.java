package io.github.etcddiscovery.actuate;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/etcd} of a running application against a real etcd: its registration as
 * etcd holds it, the discovery view, one service, and not on the web unless exposed.
 */
class EtcdEndpointIntegrationTest {

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void showsTheRegistrationAndEveryServiceOfTheView() throws Exception {
		ConfigurableApplicationContext orders = this.apps.start("orders", "spring.cloud.etcd.discovery.zone=eu-1",
				"spring.cloud.etcd.discovery.metadata.version=2");
		ConfigurableApplicationContext billing = this.apps.start("billing");
		ConfigurableApplicationContext app = this.apps.start("gateway",
				"management.endpoints.web.exposure.include=health,etcd");
		await().until(() -> app.getBean(EtcdDiscoveryClient.class).getServices().size() == 3);
		TestApps.setStatus(billing, "OUT_OF_SERVICE");
		await().until(() -> app.getBean(EtcdDiscoveryClient.class).getInstances("billing").isEmpty());

		JsonNode body = this.json.readTree(TestApps.get(app, "/actuator/etcd").body());

		JsonNode registration = body.get("registration");
		String key = this.apps.keyOf(app);
		assertThat(registration.get("key").stringValue()).isEqualTo(key);
		assertThat(registration.get("leaseId").stringValue())
			.isEqualTo(Long.toHexString(this.apps.etcd().keyValue(key).getLease()));
		assertThat(registration.get("ttlSeconds").longValue()).isEqualTo(10);
		assertThat(registration.get("remainingTtlSeconds").doubleValue()).isPositive().isLessThanOrEqualTo(10);
		assertThat(registration.get("state").stringValue()).isEqualTo("ACTIVE");
		assertThat(registration.get("status").stringValue()).isEqualTo("UP");
		assertThat(registration.get("instanceId").stringValue()).isEqualTo(TestApps.instanceId(app));
		JsonNode view = body.get("view");
		assertThat(view.get("revision").longValue())
			.isEqualTo(this.apps.etcd().keyValue(this.apps.keyOf(billing)).getModRevision());
		assertThat(view.get("watching").booleanValue()).isTrue();
		assertThat(view.get("services").propertyNames()).containsExactly("billing", "gateway", "orders");
		JsonNode ordersInstance = view.get("services").get("orders").get(0);
		assertThat(ordersInstance.get("instanceId").stringValue()).isEqualTo(TestApps.instanceId(orders));
		assertThat(ordersInstance.get("host").stringValue()).isEqualTo("127.0.0.1");
		assertThat(ordersInstance.get("port").intValue()).isEqualTo(TestApps.port(orders));
		assertThat(ordersInstance.get("status").stringValue()).isEqualTo("UP");
		assertThat(ordersInstance.get("zone").stringValue()).isEqualTo("eu-1");
		assertThat(ordersInstance.get("metadata").get("version").stringValue()).isEqualTo("2");
		assertThat(view.get("services").get("billing").get(0).get("status").stringValue())
			.as("every instance, whatever its status").isEqualTo("OUT_OF_SERVICE");

		JsonNode one = this.json.readTree(TestApps.get(app, "/actuator/etcd/ORDERS").body());
		assertThat(one.get("serviceId").stringValue()).isEqualTo("orders");
		assertThat(one.get("instances")).hasSize(1);
		assertThat(TestApps.get(app, "/actuator/etcd/nothing-here").statusCode()).isEqualTo(404);
	}

	@Test
	void isNotOnTheWebUnlessExposed() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders",
				"management.endpoints.web.exposure.include=health");

		assertThat(TestApps.get(app, "/actuator/etcd").statusCode()).isEqualTo(404);
		assertThat(app.getBeansOfType(EtcdEndpoint.class)).as("like any endpoint exposed nowhere").isEmpty();
	}


}
