package io.github.etcddiscovery.health;

import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdProperties;
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
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@code /actuator/health/etcd}, when Spring Boot's health support is present.
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
		EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdDiscoveryCacheAutoConfiguration.class,
		EtcdConfigAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEtcdEnabled
@ConditionalOnEnabledHealthIndicator("etcd")
public class EtcdHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "etcdHealthIndicator")
	public EtcdHealthIndicator etcdHealthIndicator(EtcdProperties etcdProperties,
			ObjectProvider<EtcdServiceRegistry> registry, ObjectProvider<EtcdAutoServiceRegistration> autoRegistration,
			ObjectProvider<EtcdDiscoveryCache> cache, ObjectProvider<EtcdConfigWatch> configWatch) {
		return new EtcdHealthIndicator(etcdProperties, registry.getIfAvailable(), autoRegistration.getIfAvailable(),
				cache.getIfAvailable(), configWatch.getIfAvailable());
	}

}
