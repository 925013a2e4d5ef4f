package io.github.etcddiscovery.instance;

import io.github.etcddiscovery.client.ConditionalOnEtcdEnabled;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link EtcdKeyspace} the registry writes and discovery reads: a building block of
 * the bottom layer, there whenever etcd is enabled, whether or not discovery is.
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnEtcdEnabled
@EnableConfigurationProperties({ EtcdProperties.class, EtcdKeyspaceProperties.class })
public class EtcdKeyspaceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdKeyspace etcdKeyspace(EtcdProperties etcdProperties, EtcdKeyspaceProperties properties) {
		return new EtcdKeyspace(etcdProperties.getNamespace(), properties.getPrefix());
	}

}
