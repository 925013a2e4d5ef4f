package io.github.etcddiscovery.testapp;

import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.registry.EtcdRegistration;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts real {@link TestApp} instances against an etcd endpoint, each on a free port and
 * under a key prefix of the calling test, and closes them after.
 */
public final class TestApps implements AutoCloseable {

	private final String endpoint;

	private final String prefix;

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	public TestApps(String endpoint, String prefix) {
		this.endpoint = endpoint;
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	public ConfigurableApplicationContext start(String serviceName, String... extraProperties) {
		List<String> properties = new ArrayList<>(baseProperties(serviceName));
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApp.class)
			.properties(properties.toArray(String[]::new))
			.run();
		this.started.add(context);
		return context;
	}

	/** What every test instance runs with: loopback only, free port, this test's prefix. */
	public List<String> baseProperties(String serviceName) {
		return List.of("spring.application.name=" + serviceName, "server.port=0",
				"spring.cloud.etcd.endpoints=" + this.endpoint, "spring.cloud.etcd.discovery.prefix=" + this.prefix,
				"spring.cloud.etcd.discovery.host=127.0.0.1", "spring.cloud.loadbalancer.cache.enabled=false",
				"management.endpoints.web.exposure.include=health,serviceregistry",
				"management.endpoint.health.show-details=always", "spring.main.banner-mode=off");
	}

	public static EtcdRegistration registration(ConfigurableApplicationContext context) {
		return context.getBean(EtcdRegistration.class);
	}

	public static int port(ConfigurableApplicationContext context) {
		return registration(context).getPort();
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.started) {
			if (context.isActive()) {
				context.close();
			}
		}
	}

}
