package io.github.etcddiscovery.loadbalancer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The default configuration of every load-balanced client (each gets a child context of its
 * own): our pushed instance list, with the standard supplier named by
 * {@code spring.cloud.loadbalancer.configurations} on top. A client configured with a
 * supplier of its own keeps it; client configurations are registered before default ones.
 */
@Configuration(proxyBeanMethods = false)
public class EtcdLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ServiceInstanceListSupplier etcdServiceInstanceListSupplier(ConfigurableApplicationContext context) {
		EtcdServiceInstanceListSupplier base = EtcdServiceInstanceListSupplier.of(context);
		String configuration = StandardSupplierChain.configurationOf(context.getEnvironment(), base.getServiceId());
		return StandardSupplierChain.applyTo(ServiceInstanceListSupplier.builder().withBase(base), configuration, context)
			.build(context);
	}

}
