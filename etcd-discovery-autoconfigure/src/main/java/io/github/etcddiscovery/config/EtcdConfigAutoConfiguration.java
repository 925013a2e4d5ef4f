package io.github.etcddiscovery.config;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * The watch that pushes configuration changes, only for applications that imported
 * {@code etcd:} (the import leaves an {@link EtcdConfigState}) and have Spring Cloud's refresh
 * support; {@code spring.cloud.etcd.config.watch.enabled=false} and
 * {@code spring.cloud.refresh.enabled=false} switch it off.
 */
@AutoConfiguration
@ConditionalOnClass(RefreshEvent.class)
@ConditionalOnBean(EtcdConfigState.class)
@ConditionalOnProperty(name = { EtcdConfigProperties.PREFIX + ".watch.enabled", "spring.cloud.refresh.enabled" },
		havingValue = "true", matchIfMissing = true)
public class EtcdConfigAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdConfigWatch etcdConfigWatch(EtcdConfigState etcdConfigState, ApplicationEventPublisher publisher) {
		return new EtcdConfigWatch(etcdConfigState, publisher);
	}

}
