package io.github.etcddiscovery.metrics;

import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.registry.EtcdServiceRegistryAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters under {@code etcd.}, when Micrometer is on the class path: Spring Boot
 * binds them to its registries ({@code /actuator/metrics}, Prometheus, ...). Switch them off
 * with {@code management.metrics.enable.etcd=false}.
 */
@AutoConfiguration(after = { EtcdServiceRegistryAutoConfiguration.class, EtcdDiscoveryCacheAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnEtcdEnabled
public class EtcdMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdRequestMetrics etcdRequestMetrics() {
		return new EtcdRequestMetrics();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(EtcdServiceRegistry.class)
	static class RegistrationMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdRegistrationMetrics etcdRegistrationMetrics(EtcdServiceRegistry registry) {
			return new EtcdRegistrationMetrics(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(EtcdDiscoveryCache.class)
	static class DiscoveryMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdDiscoveryMetrics etcdDiscoveryMetrics(EtcdDiscoveryCache cache) {
			return new EtcdDiscoveryMetrics(cache);
		}

	}

}
