package io.github.etcddiscovery.client;

import java.time.Duration;

import io.etcd.jetcd.Client;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The jetcd client every other part shares.
 */
@AutoConfiguration
@ConditionalOnEtcdEnabled
@EnableConfigurationProperties(EtcdProperties.class)
public class EtcdClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public Client etcdClient(EtcdProperties properties) {
		properties.validate();
		return new EtcdClientFactory(properties).create();
	}

	@Bean
	@ConditionalOnMissingBean
	public EtcdReconnectWatchdog etcdReconnectWatchdog(Client etcdClient) {
		return new EtcdReconnectWatchdog(etcdClient, Duration.ofMillis(500));
	}

}
