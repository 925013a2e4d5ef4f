package io.github.etcddiscovery.actuate;

import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistrationAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.registry.EtcdServiceRegistryAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code etcd} actuator endpoint, when the actuator is present and the endpoint is
 * available (exposed like any other: {@code management.endpoints.web.exposure.include=etcd}).
 */
@AutoConfiguration(after = { EtcdServiceRegistryAutoConfiguration.class,
		EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdDiscoveryCacheAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnEtcdEnabled
@ConditionalOnAvailableEndpoint(EtcdEndpoint.class)
public class EtcdEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdEndpoint etcdEndpoint(ObjectProvider<EtcdServiceRegistry> registry,
			ObjectProvider<EtcdAutoServiceRegistration> autoRegistration, ObjectProvider<EtcdDiscoveryCache> cache) {
		return new EtcdEndpoint(registry.getIfAvailable(), autoRegistration.getIfAvailable(), cache.getIfAvailable());
	}

}
