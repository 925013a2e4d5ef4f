package io.github.etcddiscovery.loadbalancer;

import io.github.etcddiscovery.client.ConditionalOnEtcdDiscoveryEnabled;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdRegistrationProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerZoneConfig;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Spring Cloud LoadBalancer over the etcd discovery cache: every load-balanced client gets
 * the pushed instance list instead of the polled, 35 s cached one, and zone preference
 * knows this instance's zone.
 */
@AutoConfiguration(after = EtcdDiscoveryCacheAutoConfiguration.class, before = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass(ServiceInstanceListSupplier.class)
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnProperty(name = "spring.cloud.loadbalancer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EtcdRegistrationProperties.class)
public class EtcdLoadBalancerAutoConfiguration {

	static final String ZONE_PROPERTY = "spring.cloud.loadbalancer.zone";

	/**
	 * {@code spring.cloud.loadbalancer.zone} when set, else the zone this instance registers
	 * with: callers prefer the instances of their own zone without saying it twice.
	 */
	@Bean
	@ConditionalOnMissingBean
	public LoadBalancerZoneConfig zoneConfig(Environment environment, EtcdRegistrationProperties properties) {
		return new LoadBalancerZoneConfig(environment.getProperty(ZONE_PROPERTY, properties.getZone()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "spring.cloud.etcd.loadbalancer.enabled", matchIfMissing = true)
	@ConditionalOnBean(EtcdDiscoveryCache.class)
	@LoadBalancerClients(defaultConfiguration = EtcdLoadBalancerClientConfiguration.class)
	static class PushedInstanceLists {

	}

}
