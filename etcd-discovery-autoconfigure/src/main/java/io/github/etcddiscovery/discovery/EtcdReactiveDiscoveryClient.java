package io.github.etcddiscovery.discovery;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * The reactive face of {@link EtcdDiscoveryClient}; as it never blocks, it just defers to it.
 */
public class EtcdReactiveDiscoveryClient implements ReactiveDiscoveryClient {

	private final EtcdDiscoveryClient delegate;

	public EtcdReactiveDiscoveryClient(EtcdDiscoveryClient delegate) {
		this.delegate = delegate;
	}

	@Override
	public String description() {
		return "etcd reactive discovery client";
	}

	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Flux.defer(() -> Flux.fromIterable(this.delegate.getInstances(serviceId)));
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> Flux.fromIterable(this.delegate.getServices()));
	}

	@Override
	public void probe() {
		this.delegate.probe();
	}

	@Override
	public int getOrder() {
		return this.delegate.getOrder();
	}

}
