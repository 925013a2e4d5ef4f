package io.github.etcddiscovery.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Answers from the {@link EtcdDiscoveryCache}: no lookup touches the network, and each one
 * is a map read of answers the cache built when the service last changed.
 */
public class EtcdDiscoveryClient implements DiscoveryClient {

	private final EtcdDiscoveryCache cache;

	private final EtcdDiscoveryProperties properties;

	public EtcdDiscoveryClient(EtcdDiscoveryCache cache, EtcdDiscoveryProperties properties) {
		this.cache = cache;
		this.properties = properties;
	}

	@Override
	public String description() {
		return "etcd discovery client";
	}

	/**
	 * Instances of the service, matched ignoring case; only those whose status is UP unless
	 * {@code include-not-up-instances} is set.
	 */
	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.cache.lookup(serviceId).answer(this.properties.isIncludeNotUpInstances());
	}

	@Override
	public List<String> getServices() {
		return this.cache.services();
	}

	/**
	 * Always passes: lookups answer from memory, with the last known view while etcd is
	 * unreachable, so the client works. An outage is reported by {@code /actuator/health/etcd};
	 * failing here would make {@code discoveryComposite}, and with it the application's
	 * status, DOWN for a registry outage.
	 */
	@Override
	public void probe() {
	}

	@Override
	public int getOrder() {
		return this.properties.getOrder();
	}

}
