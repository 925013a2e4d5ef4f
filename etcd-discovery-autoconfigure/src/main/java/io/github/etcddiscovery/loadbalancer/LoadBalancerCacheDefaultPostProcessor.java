package io.github.etcddiscovery.loadbalancer;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Turns Spring Cloud LoadBalancer's instance-list cache off by default while our pushed
 * lists are in use: nothing reads that cache then, and it would only warn about its own
 * implementation. Any explicit setting wins; the default goes last.
 */
public class LoadBalancerCacheDefaultPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String CACHE_ENABLED = "spring.cloud.loadbalancer.cache.enabled";

	private static final String[] SWITCHES = { "spring.cloud.discovery.enabled", "spring.cloud.etcd.enabled",
			"spring.cloud.etcd.discovery.enabled", "spring.cloud.loadbalancer.enabled",
			"spring.cloud.etcd.loadbalancer.enabled" };

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ClassUtils.isPresent("org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier",
				application.getClassLoader())) {
			return;
		}
		for (String enabled : SWITCHES) {
			if (!environment.getProperty(enabled, Boolean.class, true)) {
				return;
			}
		}
		if (!environment.containsProperty(CACHE_ENABLED)) {
			DefaultPropertiesPropertySource.addOrMerge(Map.of(CACHE_ENABLED, "false"), environment.getPropertySources());
		}
	}

	/** After config data, so that application.yml is read before we decide. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
