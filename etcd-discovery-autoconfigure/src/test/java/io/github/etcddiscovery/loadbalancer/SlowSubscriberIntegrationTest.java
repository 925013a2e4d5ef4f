package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stays on a service's list and is slow to take a new one (a blocking
 * health check pinging an instance that does not answer, say) holds up neither the view nor
 * the load balancer's choices: a choice made meanwhile is made from the newest list, and the
 * slow subscriber gets it too once it is ready.
 */
class SlowSubscriberIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void aSlowSubscriberHoldsUpNeitherTheViewNorTheChoicesMadeMeanwhile() throws Exception {
		ConfigurableApplicationContext provider = this.apps.start("provider");
		String address = "127.0.0.1:" + TestApps.port(provider);
		ConfigurableApplicationContext caller = this.apps.start("caller");
		ServiceInstanceListSupplier supplier = caller.getBean(LoadBalancerClientFactory.class)
			.getInstance("provider", ServiceInstanceListSupplier.class);
		List<List<String>> slowGot = new CopyOnWriteArrayList<>();
		AtomicInteger lists = new AtomicInteger();
		CountDownLatch slowIsHolding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Disposable slow = supplier.get().subscribe(list -> {
			slowGot.add(ids(list));
			if (lists.incrementAndGet() == 2) {
				slowIsHolding.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		try {
			this.apps.etcd().put(this.apps.prefix() + "/provider/extra-1", address);
			assertThat(slowIsHolding.await(20, TimeUnit.SECONDS)).as("the slow subscriber got the second list").isTrue();

			this.apps.etcd().put(this.apps.prefix() + "/provider/extra-2", address);

			DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
			await("the view").atMost(Duration.ofSeconds(20))
				.until(() -> discovery.getInstances("provider").stream().anyMatch(i -> "extra-2".equals(i.getInstanceId())));
			await("a choice made while the slow subscriber holds its list").atMost(Duration.ofSeconds(20))
				.until(() -> ids(supplier.get().blockFirst(Duration.ofSeconds(5))).contains("extra-2"));
			assertThat(slowGot).as("the slow subscriber is still on the second list").hasSize(2);
		}
		finally {
			release.countDown();
		}
		await("the slow subscriber, once ready").atMost(Duration.ofSeconds(20))
			.until(() -> slowGot.get(slowGot.size() - 1).contains("extra-2"));
		slow.dispose();
	}

	private static List<String> ids(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::getInstanceId).toList();
	}

}
