package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code watch=per-service}, the load-balancer list of a service not held yet is created
 * and subscribed to on a reactor thread without blocking it, against real etcd and real
 * applications: its first list comes when the service's first listing is in, or empty after the
 * request timeout, as a first lookup answers.
 */
class NonBlockingFirstReadIntegrationTest {

	static final String PER_SERVICE = "spring.cloud.etcd.discovery.watch=per-service";

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	/**
	 * One reactor thread ({@link Schedulers#newParallel} threads are non-blocking ones): while
	 * etcd is paused, the supplier's first read must leave it free for the next task, which then
	 * runs before anything was emitted. A read that blocked would hold the thread until the
	 * request timeout, and emit (empty) before the next task ran.
	 */
	@Test
	void theFirstReadLeavesTheReactorThreadFreeAndEmitsWhenEtcdAnswers() {
		Scheduler reactorThread = Schedulers.newParallel("non-blocking", 1);
		try (EtcdServer etcd = EtcdServer.builder().name("non-blocking-first-read").requireBinary().start();
				TestApps own = new TestApps(etcd.clientEndpoint(), "/services")) {
			ConfigurableApplicationContext caller = own.start("gateway", PER_SERVICE,
					"spring.cloud.etcd.request-timeout=5s");
			EtcdDiscoveryCache cache = caller.getBean(EtcdDiscoveryCache.class);
			own.etcd().put("/services/orders/a", "127.0.0.1:1001");
			List<List<ServiceInstance>> lists = new CopyOnWriteArrayList<>();
			AtomicReference<Disposable> subscription = new AtomicReference<>();
			AtomicBoolean onReactorThread = new AtomicBoolean();

			etcd.pause();
			try {
				reactorThread.schedule(() -> {
					onReactorThread.set(Schedulers.isInNonBlockingThread());
					EtcdServiceInstanceListSupplier supplier = new EtcdServiceInstanceListSupplier("orders", cache);
					subscription.set(supplier.get().subscribe(lists::add));
				});
				List<List<ServiceInstance>> seenByTheNextTask = Mono.fromCallable(() -> List.copyOf(lists))
					.subscribeOn(reactorThread)
					.block(Duration.ofSeconds(30));
				assertThat(onReactorThread).isTrue();
				assertThat(seenByTheNextTask).as("emitted before the next task on the reactor thread ran").isEmpty();
				assertThat(subscription.get()).isNotNull();

				// etcd silent: after the request timeout, an empty list, as a first lookup answers.
				await().atMost(Duration.ofSeconds(30)).until(() -> !lists.isEmpty());
				assertThat(lists.get(0)).isEmpty();
			}
			finally {
				etcd.resume();
			}
			// The watch keeps trying and pushes the instance once etcd answers.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> lists.stream().anyMatch((list) -> list.size() == 1 && list.get(0).getPort() == 1001));
			subscription.get().dispose();
		}
		finally {
			reactorThread.dispose();
		}
	}

	@Test
	void aLoadBalancedWebClientCallOnAReactorThreadReachesAServiceNotHeldYet() {
		ConfigurableApplicationContext orders = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway", PER_SERVICE);
		assertThat(caller.getBean(EtcdDiscoveryCache.class).holds("orders")).isFalse();
		WebClient client = caller.getBean(WebClient.Builder.class).build();
		Scheduler reactorThread = Schedulers.newParallel("non-blocking", 1);
		try {
			String body = Mono.defer(() -> {
				assertThat(Schedulers.isInNonBlockingThread()).isTrue();
				return client.get().uri("http://orders/hello").retrieve().bodyToMono(String.class);
			}).subscribeOn(reactorThread).block(Duration.ofSeconds(30));

			assertThat(body).contains(TestApps.instanceId(orders));
		}
		finally {
			reactorThread.dispose();
		}
	}

}
