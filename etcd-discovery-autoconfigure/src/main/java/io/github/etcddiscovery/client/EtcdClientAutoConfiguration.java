package io.github.etcddiscovery.client;

import java.time.Duration;

import io.etcd.jetcd.Client;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * The jetcd client every other part shares, over TLS when the endpoints are https.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnEtcdEnabled
@EnableConfigurationProperties(EtcdProperties.class)
public class EtcdClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public Client etcdClient(EtcdProperties properties, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<EtcdClientCustomizer> customizers) {
		properties.validate();
		EtcdTls tls = EtcdTls.of(properties, sslBundles.getIfAvailable());
		Client client = new EtcdClientFactory(properties, tls, customizers.orderedStream().toList()).create();
		// Part of providing the client: nothing else talks to an etcd that refuses us.
		try {
			new EtcdConnectionCheck(client, properties, tls).check();
		}
		catch (RuntimeException ex) {
			client.close();
			throw ex;
		}
		return client;
	}

	@Bean
	@ConditionalOnMissingBean
	public EtcdReconnectWatchdog etcdReconnectWatchdog(Client etcdClient) {
		return new EtcdReconnectWatchdog(etcdClient, Duration.ofMillis(500));
	}

}
