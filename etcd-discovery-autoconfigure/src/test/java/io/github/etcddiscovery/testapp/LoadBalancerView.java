package io.github.etcddiscovery.testapp;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import reactor.core.Disposable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * What a caller's load balancer offers for one service, over time: a subscriber to the very
 * supplier its load-balanced clients use. A list it receives is the list every later choice
 * is made from.
 */
public final class LoadBalancerView implements AutoCloseable {

	private record Offer(long at, Set<String> instances) {
	}

	private final List<Offer> offers = new CopyOnWriteArrayList<>();

	private final Disposable subscription;

	public LoadBalancerView(ConfigurableApplicationContext caller, String serviceId) {
		ServiceInstanceListSupplier supplier = caller.getBean(LoadBalancerClientFactory.class)
			.getInstance(serviceId, ServiceInstanceListSupplier.class);
		this.subscription = supplier.get()
			.subscribe(list -> this.offers.add(new Offer(System.nanoTime(), ids(list))));
	}

	private static Set<String> ids(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::getInstanceId).collect(Collectors.toSet());
	}

	/**
	 * Waits for the first offer since {@code since} ({@link System#nanoTime()}) that lacks all
	 * of {@code instances}, and returns when it came.
	 */
	public long awaitOfferWithout(Set<String> instances, long since) {
		return awaitOffer(since, o -> o.instances().stream().noneMatch(instances::contains));
	}

	/** Waits for the first offer since {@code since} that includes {@code instance}. */
	public long awaitOfferWith(String instance, long since) {
		return awaitOffer(since, o -> o.instances().contains(instance));
	}

	private long awaitOffer(long since, Predicate<Offer> matching) {
		return await().until(() -> this.offers.stream()
			.filter(o -> o.at() >= since && matching.test(o))
			.map(Offer::at)
			.findFirst()
			.orElse(null), at -> at != null);
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

}
