package io.github.etcddiscovery.discovery;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.ConditionalOnEtcdDiscoveryEnabled;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.EtcdKeyspaceAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * The watch-backed view both discovery clients read from.
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, EtcdKeyspaceAutoConfiguration.class })
@ConditionalOnEtcdDiscoveryEnabled
@EnableConfigurationProperties(EtcdDiscoveryProperties.class)
public class EtcdDiscoveryCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdDiscoveryCache etcdDiscoveryCache(Client client, EtcdProperties etcdProperties,
			EtcdDiscoveryProperties properties, EtcdKeyspace keyspace) {
		return new EtcdDiscoveryCache(client, etcdProperties, properties, keyspace);
	}

	@Bean
	@ConditionalOnMissingBean
	public EtcdHeartbeatPublisher etcdHeartbeatPublisher(EtcdDiscoveryCache cache,
			ApplicationEventPublisher publisher) {
		return new EtcdHeartbeatPublisher(cache, publisher);
	}

}
