package io.github.etcddiscovery.client;

import java.time.Duration;

import io.etcd.jetcd.Client;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * The jetcd client every other part shares, over TLS when the endpoints are https. Where
 * etcd is comes from an {@link EtcdConnectionDetails} bean (a container's, or the
 * properties'); every client, also one the user defines, is checked once at startup, and
 * built further in the background ({@link EtcdClientWarmup}) while the context starts.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnEtcdEnabled
@EnableConfigurationProperties(EtcdProperties.class)
public class EtcdClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(EtcdConnectionDetails.class)
	public PropertiesEtcdConnectionDetails etcdConnectionDetails(EtcdProperties properties) {
		return new PropertiesEtcdConnectionDetails(properties);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public Client etcdClient(EtcdProperties properties, EtcdConnectionDetails connection,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<EtcdClientBuilderCustomizer> customizers) {
		EtcdTls tls = EtcdTls.of(properties, sslBundles.getIfAvailable());
		return new EtcdClientFactory(properties, connection, tls, customizers.orderedStream().toList()).create();
	}

	@Bean
	@ConditionalOnMissingBean
	public EtcdClientWarmup etcdClientWarmup(Client etcdClient) {
		return new EtcdClientWarmup(etcdClient);
	}

	@Bean
	static EtcdConnectionCheckPostProcessor etcdConnectionCheckPostProcessor(ObjectProvider<EtcdProperties> properties,
			ObjectProvider<EtcdConnectionDetails> connection, ObjectProvider<SslBundles> sslBundles) {
		return new EtcdConnectionCheckPostProcessor(properties, connection, sslBundles);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "spring.cloud.etcd.reconnect-watchdog.enabled", matchIfMissing = true)
	public EtcdReconnectWatchdog etcdReconnectWatchdog(Client etcdClient) {
		return new EtcdReconnectWatchdog(etcdClient, Duration.ofMillis(500));
	}

}
