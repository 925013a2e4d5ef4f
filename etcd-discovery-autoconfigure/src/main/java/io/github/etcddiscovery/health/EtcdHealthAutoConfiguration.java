package io.github.etcddiscovery.health;

import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdConnectionDetails;
import io.github.etcddiscovery.config.EtcdConfigAutoConfiguration;
import io.github.etcddiscovery.config.EtcdConfigWatch;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistrationAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.registry.EtcdServiceRegistryAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@code /actuator/health/etcd}, when Spring Boot's health support is present; see
 * {@link EtcdHealthIndicator} for why an etcd problem does not change the application's
 * status by default.
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
		EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdDiscoveryCacheAutoConfiguration.class,
		EtcdConfigAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEtcdEnabled
@ConditionalOnEnabledHealthIndicator("etcd")
@EnableConfigurationProperties(EtcdHealthProperties.class)
public class EtcdHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "etcdHealthIndicator")
	public EtcdHealthIndicator etcdHealthIndicator(EtcdConnectionDetails connection,
			EtcdHealthProperties healthProperties, ObjectProvider<EtcdServiceRegistry> registry,
			ObjectProvider<EtcdAutoServiceRegistration> autoRegistration, ObjectProvider<EtcdDiscoveryCache> cache,
			ObjectProvider<EtcdConfigWatch> configWatch) {
		return new EtcdHealthIndicator(connection, healthProperties, registry.getIfAvailable(),
				autoRegistration.getIfAvailable(), cache.getIfAvailable(), configWatch.getIfAvailable());
	}

}
