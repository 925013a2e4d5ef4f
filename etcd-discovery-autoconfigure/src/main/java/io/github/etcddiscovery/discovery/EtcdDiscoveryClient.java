package io.github.etcddiscovery.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Answers from the {@link EtcdDiscoveryCache}: no lookup touches the network.
 */
public class EtcdDiscoveryClient implements DiscoveryClient {

	private final EtcdDiscoveryCache cache;

	private final EtcdDiscoveryProperties properties;

	private final InstanceListMemo answers = new InstanceListMemo();

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
		return this.answers.answer(serviceId, this.cache.instances(serviceId),
				this.properties.isIncludeNotUpInstances());
	}

	@Override
	public List<String> getServices() {
		return this.cache.services();
	}

	@Override
	public void probe() {
		if (!this.cache.isConnected()) {
			throw new IllegalStateException("etcd discovery is not connected: " + this.cache.getLastError());
		}
	}

	@Override
	public int getOrder() {
		return this.properties.getOrder();
	}

}
