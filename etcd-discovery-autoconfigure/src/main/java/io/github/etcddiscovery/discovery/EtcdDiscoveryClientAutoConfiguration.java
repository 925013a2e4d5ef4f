package io.github.etcddiscovery.discovery;

import io.github.etcddiscovery.client.ConditionalOnEtcdDiscoveryEnabled;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The blocking {@link org.springframework.cloud.client.discovery.DiscoveryClient}.
 */
@AutoConfiguration(after = EtcdDiscoveryCacheAutoConfiguration.class,
		before = { SimpleDiscoveryClientAutoConfiguration.class, CommonsClientAutoConfiguration.class })
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnBlockingDiscoveryEnabled
public class EtcdDiscoveryClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdDiscoveryClient etcdDiscoveryClient(EtcdDiscoveryCache cache, EtcdDiscoveryProperties properties) {
		return new EtcdDiscoveryClient(cache, properties);
	}

}
