package io.github.etcddiscovery.benchmarks.systems;

import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Configuration;

/**
 * Load-balanced clients over fixed instance lists, with no registry behind them: Spring Cloud
 * LoadBalancer's own machinery alone (the blocking client, its per-call lookups, round robin,
 * the request wrapping and URI rebuild), as a floor in the same run for the starter's
 * load-balanced figures. Each has a client configuration of its own, so the starter's
 * default supplier backs off for it, as for any client configured with a supplier.
 * <p>
 * Added to a {@code BenchApp} with {@code spring.main.sources=} this class. A client named
 * {@code fixed-...-<n>} offers {@code n} instances on 127.0.0.1 at ports
 * {@code bench.fixed-list.port} (default 10000) and up.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients({ @LoadBalancerClient(name = FixedLists.OVERHEAD, configuration = FixedListSupplier.class),
		@LoadBalancerClient(name = "fixed-svc-1", configuration = FixedListSupplier.class),
		@LoadBalancerClient(name = "fixed-svc-10", configuration = FixedListSupplier.class),
		@LoadBalancerClient(name = "fixed-svc-100", configuration = FixedListSupplier.class) })
public class FixedLists {

	/** One instance, at {@code bench.fixed-list.port}. */
	public static final String OVERHEAD = "fixed-overhead-1";

	/** The lookup figure's fixed client for a service of that many instances. */
	public static String lookup(int instances) {
		return "fixed-svc-" + instances;
	}

}
