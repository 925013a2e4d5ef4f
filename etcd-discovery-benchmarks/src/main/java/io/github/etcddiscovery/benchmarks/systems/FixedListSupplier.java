package io.github.etcddiscovery.benchmarks.systems;

import java.util.List;
import java.util.stream.IntStream;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The configuration of each {@link FixedLists} client, in its own child context (a class of
 * its own: nested in a configuration class, the application context would load it too). The
 * client's name ends with how many instances it offers.
 */
class FixedListSupplier {

	@Bean
	ServiceInstanceListSupplier fixedInstanceList(Environment environment) {
		String name = LoadBalancerClientFactory.getName(environment);
		int size = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
		int port = environment.getProperty("bench.fixed-list.port", Integer.class, 10_000);
		List<ServiceInstance> instances = IntStream.range(0, size)
			.<ServiceInstance>mapToObj(i -> new DefaultServiceInstance(name + "-" + i, name, "127.0.0.1", port + i, false))
			.toList();
		Flux<List<ServiceInstance>> list = Flux.just(instances);
		return new ServiceInstanceListSupplier() {

			@Override
			public String getServiceId() {
				return name;
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return list;
			}

		};
	}

}
