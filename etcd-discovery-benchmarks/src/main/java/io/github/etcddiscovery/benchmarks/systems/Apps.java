package io.github.etcddiscovery.benchmarks.systems;

import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.benchmarks.app.BenchApp;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts {@link BenchApp}s of one registry against its server, and closes them after.
 */
public final class Apps implements AutoCloseable {

	private final Registry registry;

	private final String endpoint;

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	public Apps(Registry registry, Servers servers) {
		this(registry, servers.endpoint(registry));
	}

	/** Applications of a server started elsewhere (a forked JVM's, started by its parent). */
	public Apps(Registry registry, String endpoint) {
		this.registry = registry;
		this.endpoint = endpoint;
	}

	public Registry registry() {
		return this.registry;
	}

	/**
	 * Held while an application of this JVM starts: Spring Boot sets up the JVM's one logging
	 * system for each application, and two starting at once on different threads (the peers'
	 * defaults run alongside the other scenarios) race on it.
	 */
	static final Object STARTING = new Object();

	public String endpoint() {
		return this.endpoint;
	}

	public ConfigurableApplicationContext start(String serviceName, String instanceId, boolean autoRegister,
			String... extraProperties) {
		List<String> properties = new ArrayList<>(
				this.registry.properties(serviceName, instanceId, this.endpoint, autoRegister));
		for (String extra : extraProperties) {
			// An extra property replaces the registry's setting of the same key.
			String key = extra.substring(0, extra.indexOf('=') + 1);
			properties.removeIf(p -> p.startsWith(key));
			properties.add(extra);
		}
		ConfigurableApplicationContext context;
		synchronized (STARTING) {
			context = new SpringApplicationBuilder(BenchApp.class).properties(properties.toArray(String[]::new)).run();
		}
		this.started.add(context);
		return context;
	}

	public static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** Instance ids the application's (composite) DiscoveryClient returns for a service. */
	public static List<String> discovered(ConfigurableApplicationContext context, String serviceId) {
		return context.getBean(DiscoveryClient.class)
			.getInstances(serviceId)
			.stream()
			.map(ServiceInstance::getInstanceId)
			.toList();
	}

	/** The list the application's load balancer would choose from now. */
	public static List<String> offered(ServiceInstanceListSupplier supplier) {
		List<ServiceInstance> list = supplier.get().blockFirst(java.time.Duration.ofSeconds(10));
		return (list != null) ? list.stream().map(ServiceInstance::getInstanceId).toList() : List.of();
	}

	public static ServiceInstanceListSupplier supplier(ConfigurableApplicationContext context, String serviceId) {
		return context.getBean(LoadBalancerClientFactory.class).getInstance(serviceId, ServiceInstanceListSupplier.class);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.started) {
			if (context.isActive()) {
				context.close();
			}
		}
		this.started.clear();
	}

}
