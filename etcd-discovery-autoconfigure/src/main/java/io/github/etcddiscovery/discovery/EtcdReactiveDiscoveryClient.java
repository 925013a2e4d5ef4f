package io.github.etcddiscovery.discovery;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * The reactive face of {@link EtcdDiscoveryClient}: it defers to it, and moves the calls
 * that may ask etcd ({@code watch=per-service}) off the caller's thread.
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

	/**
	 * From memory; the first lookup of a service with {@code watch=per-service} waits for its
	 * first listing on a thread of the cache's own, as the load balancer's first read does.
	 */
	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Flux.defer(() -> {
			if (this.delegate.answersFromMemory(serviceId)) {
				return Flux.fromIterable(this.delegate.getInstances(serviceId));
			}
			return Mono.fromCompletionStage(() -> this.delegate.getInstancesLater(serviceId))
				.flatMapIterable((instances) -> instances);
		});
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> {
			if (this.delegate.listsFromMemory()) {
				return Flux.fromIterable(this.delegate.getServices());
			}
			return Mono.fromCallable(this.delegate::getServices)
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapIterable((services) -> services);
		});
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
