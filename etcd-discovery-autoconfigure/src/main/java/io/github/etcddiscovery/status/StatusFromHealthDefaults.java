package io.github.etcddiscovery.status;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * With {@code status-from-health} on and no group of the user's own, defines the default
 * health group {@code etcd-registration}: every health component except {@code etcd}, whose
 * job is to report this very registration (an etcd outage must not mark the instance DOWN in
 * etcd). As a default property: anything configured for that group wins; after config data,
 * so that application.yml is read before we decide.
 */
public class StatusFromHealthDefaults implements EnvironmentPostProcessor, Ordered {

	static final String GROUP = "management.endpoint.health.group." + StatusFromHealthProperties.DEFAULT_GROUP;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(StatusFromHealthProperties.PREFIX + ".enabled", Boolean.class, false)
				|| environment.containsProperty(StatusFromHealthProperties.PREFIX + ".group")
				|| environment.containsProperty(GROUP + ".include")) {
			return;
		}
		DefaultPropertiesPropertySource.addOrMerge(Map.of(GROUP + ".include", "*", GROUP + ".exclude", "etcd"),
				environment.getPropertySources());
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
