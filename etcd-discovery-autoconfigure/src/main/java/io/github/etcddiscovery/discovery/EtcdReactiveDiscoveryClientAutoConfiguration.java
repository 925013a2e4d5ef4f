package io.github.etcddiscovery.discovery;

import io.github.etcddiscovery.client.ConditionalOnEtcdDiscoveryEnabled;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@link org.springframework.cloud.client.discovery.ReactiveDiscoveryClient}, when
 * Reactor is present.
 */
@AutoConfiguration(
		after = { EtcdDiscoveryCacheAutoConfiguration.class, ReactiveCompositeDiscoveryClientAutoConfiguration.class },
		before = { ReactiveCommonsClientAutoConfiguration.class, SimpleReactiveDiscoveryClientAutoConfiguration.class })
@ConditionalOnClass(name = "reactor.core.publisher.Flux")
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnReactiveDiscoveryEnabled
public class EtcdReactiveDiscoveryClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdReactiveDiscoveryClient etcdReactiveDiscoveryClient(EtcdDiscoveryCache cache,
			EtcdDiscoveryProperties properties) {
		return new EtcdReactiveDiscoveryClient(new EtcdDiscoveryClient(cache, properties));
	}

}
