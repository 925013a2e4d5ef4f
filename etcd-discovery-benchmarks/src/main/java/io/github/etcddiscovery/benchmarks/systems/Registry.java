package io.github.etcddiscovery.benchmarks.systems;

import java.util.ArrayList;
import java.util.List;

/**
 * The registries compared, each with the settings it is measured with. Every application runs
 * the same {@code BenchApp} with all three clients on the classpath; these properties switch
 * on exactly one of them.
 * <ul>
 * <li>{@link #ETCD}: this starter with its defaults (pushed load-balancer lists, no cache).</li>
 * <li>{@link #ZOOKEEPER_DEFAULTS} / {@link #ZOOKEEPER_FASTEST}: Spring Cloud Zookeeper
 * Discovery; it queries ZooKeeper on every {@code getInstances}, so its fastest documented
 * setting is turning Spring Cloud LoadBalancer's 35 s instance cache off.</li>
 * <li>{@link #EUREKA_DEFAULTS} / {@link #EUREKA_FASTEST}: the Netflix Eureka client; fastest
 * is the shortest registry fetch interval (1 s), the server's read-only response cache off,
 * the LoadBalancer cache off, and for crashes the shortest lease (a heartbeat every second,
 * expiry after 3 s) with the server's eviction timer at 1 s.</li>
 * </ul>
 */
public enum Registry {

	ETCD("etcd-discovery", false), ZOOKEEPER_DEFAULTS("Spring Cloud Zookeeper (defaults)", false),
	ZOOKEEPER_FASTEST("Spring Cloud Zookeeper (fastest)", true), EUREKA_DEFAULTS("Eureka (defaults)", false),
	EUREKA_FASTEST("Eureka (fastest)", true);

	private final String label;

	private final boolean fastest;

	Registry(String label, boolean fastest) {
		this.label = label;
		this.fastest = fastest;
	}

	public String label() {
		return this.label;
	}

	public boolean fastest() {
		return this.fastest;
	}

	public boolean isEureka() {
		return this == EUREKA_DEFAULTS || this == EUREKA_FASTEST;
	}

	public boolean isZookeeper() {
		return this == ZOOKEEPER_DEFAULTS || this == ZOOKEEPER_FASTEST;
	}

	/**
	 * Properties of an application of this registry.
	 * @param endpoint where the registry's server listens (etcd URL, ZooKeeper connect
	 * string, or Eureka's {@code http://127.0.0.1:port/eureka/})
	 * @param autoRegister whether the application registers itself
	 */
	public List<String> properties(String serviceName, String instanceId, String endpoint, boolean autoRegister) {
		List<String> p = new ArrayList<>(List.of("spring.application.name=" + serviceName, "server.port=0",
				"server.address=127.0.0.1", "bench.instance-id=" + instanceId, "spring.main.banner-mode=off",
				"logging.level.root=WARN", "spring.cloud.service-registry.auto-registration.enabled=" + autoRegister,
				"spring.cloud.loadbalancer.retry.enabled=false"));
		if (this == ETCD) {
			p.addAll(List.of("spring.cloud.etcd.endpoints=" + endpoint, "spring.cloud.etcd.discovery.prefix=/bench",
					"spring.cloud.etcd.discovery.host=127.0.0.1", "spring.cloud.etcd.discovery.instance-id=" + instanceId,
					"spring.cloud.etcd.discovery.shutdown-delay=0", "spring.cloud.zookeeper.enabled=false",
					"eureka.client.enabled=false"));
			return p;
		}
		p.add("spring.cloud.etcd.enabled=false");
		p.add("spring.cloud.loadbalancer.cache.enabled=" + !this.fastest);
		if (isZookeeper()) {
			p.addAll(List.of("spring.cloud.zookeeper.connect-string=" + endpoint,
					"spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
					"spring.cloud.zookeeper.discovery.instance-ip-address=127.0.0.1",
					"spring.cloud.zookeeper.discovery.instance-id=" + instanceId,
					"spring.cloud.zookeeper.discovery.prefer-ip-address=true", "eureka.client.enabled=false"));
		}
		else {
			p.addAll(List.of("spring.cloud.zookeeper.enabled=false", "eureka.client.service-url.defaultZone=" + endpoint,
					"eureka.client.register-with-eureka=" + autoRegister, "eureka.instance.hostname=127.0.0.1",
					"eureka.instance.ip-address=127.0.0.1", "eureka.instance.prefer-ip-address=true",
					"eureka.instance.instance-id=" + instanceId,
					// Jersey is here only because the Eureka server shares the classpath; a client
					// application alone uses Spring's RestClient transport, as here.
					"eureka.client.jersey.enabled=false"));
			if (this.fastest) {
				p.addAll(List.of("eureka.client.registry-fetch-interval-seconds=1",
						"eureka.instance.lease-renewal-interval-in-seconds=1",
						"eureka.instance.lease-expiration-duration-in-seconds=3"));
			}
		}
		return p;
	}

	/** Properties of the Eureka server the Eureka applications of this registry talk to. */
	public List<String> eurekaServerProperties(int port) {
		List<String> p = new ArrayList<>(List.of("server.port=" + port, "server.address=127.0.0.1",
				"eureka.client.service-url.defaultZone=http://127.0.0.1:" + port + "/eureka/",
				"eureka.instance.hostname=127.0.0.1",
				"spring.main.banner-mode=off", "logging.level.root=WARN", "spring.application.name=eureka",
				"eureka.client.register-with-eureka=false", "eureka.client.fetch-registry=false",
				"eureka.server.enable-self-preservation=false", "spring.cloud.etcd.enabled=false",
				"spring.cloud.zookeeper.enabled=false"));
		if (this.fastest) {
			p.addAll(List.of("eureka.server.use-read-only-response-cache=false",
					"eureka.server.eviction-interval-timer-in-ms=1000"));
		}
		return p;
	}

}
