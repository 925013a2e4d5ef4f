package io.github.etcddiscovery.gatewaytest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.etcddiscovery.sample.SampleApplication;
import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud Gateway in front of services registered in etcd: its discovery locator makes
 * an {@code lb://} route per service from our DiscoveryClient, routes are refreshed when
 * etcd changes, and calls are balanced over the current instances.
 */
class GatewayDiscoveryLocatorTest {

	private final String prefix = SharedEtcd.uniquePrefix("gateway");

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.started.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void routesEveryServiceByNameAndPicksUpServicesThatAppearLater() {
		ConfigurableApplicationContext first = sample("sample-app");
		ConfigurableApplicationContext second = sample("sample-app");
		RestClient gateway = RestClient.create("http://127.0.0.1:" + port(gateway()));

		await().untilAsserted(() -> assertThat(instancesReached(gateway, "/sample-app/hello", 10))
			.containsExactlyInAnyOrder(instanceId(first), instanceId(second)));

		ConfigurableApplicationContext late = sample("late-service");

		await().untilAsserted(() -> assertThat(instancesReached(gateway, "/late-service/hello", 2))
			.containsExactly(instanceId(late)));
	}

	private static Set<String> instancesReached(RestClient gateway, String path, int calls) {
		Set<String> reached = new HashSet<>();
		for (int i = 0; i < calls; i++) {
			String body = gateway.get().uri(path).retrieve().body(String.class);
			reached.add(body.replaceAll(".*\"instance\":\"([^\"]+)\".*", "$1"));
		}
		return reached;
	}

	private ConfigurableApplicationContext sample(String name) {
		return run(new SpringApplicationBuilder(SampleApplication.class), "spring.application.name=" + name,
				"spring.cloud.gateway.server.webflux.enabled=false");
	}

	private ConfigurableApplicationContext gateway() {
		return run(new SpringApplicationBuilder(Gateway.class).web(WebApplicationType.REACTIVE),
				"spring.application.name=gateway",
				"spring.cloud.gateway.server.webflux.discovery.locator.enabled=true",
				"spring.cloud.gateway.server.webflux.discovery.locator.lower-case-service-id=true");
	}

	/** As command-line arguments: they win over the sample's application.yml. */
	private ConfigurableApplicationContext run(SpringApplicationBuilder builder, String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0",
				"--spring.cloud.etcd.endpoints=" + SharedEtcd.get().clientEndpoint(),
				"--spring.cloud.etcd.discovery.prefix=" + this.prefix, "--spring.cloud.etcd.discovery.host=127.0.0.1",
				"--spring.main.banner-mode=off"));
		for (String property : properties) {
			args.add("--" + property);
		}
		ConfigurableApplicationContext context = builder.run(args.toArray(String[]::new));
		this.started.add(context);
		return context;
	}

	private static String instanceId(ConfigurableApplicationContext app) {
		return app.getBean(Registration.class).getInstanceId();
	}

	private static int port(ConfigurableApplicationContext app) {
		return app.getBean(Registration.class).getPort();
	}

	/** A gateway as users write one: nothing but configuration. */
	@SpringBootApplication
	static class Gateway {

	}

}
