package io.github.etcddiscovery.registry;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdConnectionDetails;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.EtcdKeyspaceAutoConfiguration;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@link org.springframework.cloud.client.serviceregistry.ServiceRegistry}; before Spring
 * Cloud's own auto-configuration so that {@code /actuator/serviceregistry} finds it.
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, EtcdKeyspaceAutoConfiguration.class }, before = ServiceRegistryAutoConfiguration.class)
@ConditionalOnEtcdEnabled
@ConditionalOnProperty(name = "spring.cloud.service-registry.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EtcdRegistrationProperties.class)
public class EtcdServiceRegistryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdServiceRegistry etcdServiceRegistry(Client client, EtcdProperties etcdProperties,
			EtcdConnectionDetails connection, EtcdRegistrationProperties properties,
			EtcdKeyspace keyspace, ObjectProvider<ObservationRegistry> observations) {
		EtcdServiceRegistry registry = new EtcdServiceRegistry(client, etcdProperties, connection, properties,
				keyspace);
		observations.ifAvailable(registry::setObservationRegistry);
		return registry;
	}

}
