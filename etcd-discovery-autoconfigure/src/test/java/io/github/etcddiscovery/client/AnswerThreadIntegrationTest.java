package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's jetcd client runs the callbacks of answers and watch events on its
 * connection's event loop ({@code spring.cloud.etcd.event-loop-callbacks}), or on jetcd's
 * default pool when that is turned off; a wait for etcd on that event loop (a read, a
 * registry call) fails at once with the fix instead of timing out. Proven on a real etcd through the context's own client: a put
 * answer's thread is the one gRPC delivers it on ({@link PutThreads}), a watch event's the
 * one its listener runs on.
 */
class AnswerThreadIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void answersAndWatchEventsRunTheirCallbacksOnTheConnectionsEventLoop() throws Exception {
		ConfigurableApplicationContext app = this.apps.startWith(PutThreads.Recorded.class, "orders");

		List<Thread> events = putWatched(app.getBean(Client.class), (response) -> Thread.currentThread());

		assertThat(app.getBean(PutThreads.class).answers()).isNotEmpty()
			.allSatisfy(AnswerThreadIntegrationTest::onEventLoop);
		assertThat(events).isNotEmpty().allSatisfy(AnswerThreadIntegrationTest::onEventLoop);
	}

	@Test
	void turnedOffTheyRunOnJetcdsDefaultPool() throws Exception {
		ConfigurableApplicationContext app = this.apps.startWith(PutThreads.Recorded.class, "orders",
				"spring.cloud.etcd.event-loop-callbacks=false");

		List<Thread> events = putWatched(app.getBean(Client.class), (response) -> Thread.currentThread());

		assertThat(app.getBean(PutThreads.class).answers()).isNotEmpty()
			.allSatisfy(AnswerThreadIntegrationTest::onGrpcPool);
		assertThat(events).isNotEmpty().allSatisfy(AnswerThreadIntegrationTest::onGrpcPool);
	}

	@Test
	void aWaitForEtcdInACallbackFailsAtOnceNamingTheFix() throws Exception {
		Client client = this.apps.start("orders").getBean(Client.class);

		List<Object> outcomes = inWatchListener(client, () -> EtcdFutures
			.await(client.getKVClient().get(bytes("/answer-thread/any")), Duration.ofSeconds(5), "Reading back"));

		assertThat(outcomes).first()
			.isInstanceOf(IllegalStateException.class)
			.asString()
			.contains("Reading back cannot wait for etcd on vert.x-eventloop-thread-")
			.contains("spring.cloud.etcd.event-loop-callbacks=false");
	}

	@Test
	void aRegistryCallInACallbackFailsAtOnceNamingTheFix() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders");
		EtcdServiceRegistry registry = app.getBean(EtcdServiceRegistry.class);
		EtcdRegistration registration = app.getBean(EtcdRegistration.class);

		List<Object> outcomes = inWatchListener(app.getBean(Client.class), () -> {
			registry.setStatus(registration, "OUT_OF_SERVICE");
			return "returned";
		});

		assertThat(outcomes).first()
			.isInstanceOf(IllegalStateException.class)
			.asString()
			.contains("Rewriting ")
			.contains("cannot wait for etcd on vert.x-eventloop-thread-");
	}

	@Test
	void aFirstPerServiceLookupInACallbackFailsAtOnceAndALaterOneWorks() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.discovery.watch=per-service");
		DiscoveryClient discovery = app.getBean(DiscoveryClient.class);

		List<Object> outcomes = inWatchListener(app.getBean(Client.class), () -> discovery.getInstances("orders"));

		assertThat(outcomes).first()
			.isInstanceOf(IllegalStateException.class)
			.asString()
			.contains("The first lookup of orders cannot wait for etcd on vert.x-eventloop-thread-");
		assertThat(discovery.getInstances("orders")).hasSize(1);
	}

	@Test
	void anAnswerAlreadyThereIsReadInACallback() throws Exception {
		Client client = this.apps.start("orders").getBean(Client.class);

		List<String> outcomes = putWatched(client, (response) -> EtcdFutures
			.await(CompletableFuture.completedFuture("answered"), Duration.ofSeconds(5), "Reading"));

		assertThat(outcomes).first().isEqualTo("answered");
	}

	/** What {@code call} returns or throws in the listener of a watch, on the thread of its events. */
	private static List<Object> inWatchListener(Client client, Supplier<?> call) throws Exception {
		return putWatched(client, (response) -> {
			try {
				return call.get();
			}
			catch (RuntimeException ex) {
				return ex;
			}
		});
	}

	/** Puts a key and applies {@code inListener} in the listener of a watch on it. */
	private static <T> List<T> putWatched(Client client, Function<Object, T> inListener) throws Exception {
		ByteSequence key = bytes("/answer-thread/" + UUID.randomUUID());
		List<T> outcomes = new CopyOnWriteArrayList<>();
		long revision = client.getKVClient().put(key, bytes("v")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
		// From the put's revision: the event comes whenever the watch is set up.
		try (Watch.Watcher watcher = client.getWatchClient()
			.watch(key, WatchOption.builder().withRevision(revision).build(),
					Watch.listener((response) -> outcomes.add(inListener.apply(response))))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> !outcomes.isEmpty());
		}
		client.getKVClient().delete(key).get(10, TimeUnit.SECONDS);
		return outcomes;
	}

	private static void onEventLoop(Thread thread) {
		assertThat(thread.getName()).startsWith("vert.x-eventloop-thread-");
	}

	private static void onGrpcPool(Thread thread) {
		assertThat(thread.getName()).startsWith("grpc-default-executor-");
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
