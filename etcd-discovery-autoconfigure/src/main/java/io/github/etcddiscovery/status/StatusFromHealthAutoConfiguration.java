package io.github.etcddiscovery.status;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistrationAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.annotation.Bean;

/**
 * The application's health drives its registered status, when
 * {@code spring.cloud.etcd.discovery.status-from-health.enabled=true} and the application
 * registers itself.
 */
@AutoConfiguration(after = EtcdAutoServiceRegistrationAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration")
@ConditionalOnClass(HealthEndpoint.class)
@ConditionalOnBooleanProperty(StatusFromHealthProperties.PREFIX + ".enabled")
@ConditionalOnBean(EtcdAutoServiceRegistration.class)
@EnableConfigurationProperties(StatusFromHealthProperties.class)
public class StatusFromHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public HealthDrivenStatus etcdHealthDrivenStatus(EtcdServiceRegistry registry,
			EtcdAutoServiceRegistration autoRegistration, ObjectProvider<HealthEndpoint> health,
			ObjectProvider<ApplicationAvailability> availability, StatusFromHealthProperties properties) {
		HealthEndpoint endpoint = health.getIfAvailable();
		if (endpoint == null) {
			throw new InvalidEtcdPropertyException(
					StatusFromHealthProperties.PREFIX + ".enabled", true,
					"the status follows the application's health, and the health endpoint is not available",
					"Make the health endpoint available (it is by default: check management.endpoint.health.enabled "
							+ "and management.endpoints.access.default), or set " + StatusFromHealthProperties.PREFIX
							+ ".enabled=false.");
		}
		String group = properties.getGroup();
		if (group != null) {
			return new HealthDrivenStatus(registry, autoRegistration, endpoint, null, group, properties);
		}
		return new HealthDrivenStatus(registry, autoRegistration, endpoint, availability.getIfAvailable(),
				StatusFromHealthProperties.DEFAULT_GROUP, properties);
	}

}
