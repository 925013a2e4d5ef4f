package io.github.etcddiscovery.health;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cloud's {@code discoveryComposite} health over etcd discovery: {@code UP} once the
 * first view is loaded, whether the application registers or not. Separate from
 * {@link EtcdHealthAutoConfiguration}, so that {@code management.health.etcd.enabled=false}
 * does not turn it off.
 */
@AutoConfiguration(after = EtcdDiscoveryCacheAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(EtcdDiscoveryCache.class)
public class EtcdDiscoveryHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public DiscoveryHealthInitializer etcdDiscoveryHealthInitializer(EtcdDiscoveryCache cache,
			ListableBeanFactory beans) {
		return new DiscoveryHealthInitializer(cache, beans);
	}

}
