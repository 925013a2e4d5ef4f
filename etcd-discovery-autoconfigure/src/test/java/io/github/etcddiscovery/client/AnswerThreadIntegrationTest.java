package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's jetcd client runs the callbacks of answers and watch events on its
 * connection's event loop ({@code spring.cloud.etcd.event-loop-callbacks}), or on jetcd's
 * default pool when that is turned off; a wait for etcd on that event loop fails at once with
 * the fix instead of timing out. Proven on a real etcd, through the context's own client.
 */
class AnswerThreadIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void answersAndWatchEventsRunTheirCallbacksOnTheConnectionsEventLoop() throws Exception {
		Client client = this.apps.start("orders").getBean(Client.class);

		Seen seen = putWatched(client);

		assertThat(seen.answer()).satisfies(AnswerThreadIntegrationTest::onEventLoop);
		assertThat(seen.events()).isNotEmpty().allSatisfy(AnswerThreadIntegrationTest::onEventLoop);
	}

	@Test
	void turnedOffTheyRunOnJetcdsDefaultPool() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders", "spring.cloud.etcd.event-loop-callbacks=false");

		Seen seen = putWatched(app.getBean(Client.class));

		assertThat(seen.answer()).satisfies(AnswerThreadIntegrationTest::onGrpcPool);
		assertThat(seen.events()).isNotEmpty().allSatisfy(AnswerThreadIntegrationTest::onGrpcPool);
	}

	@Test
	void aWaitForEtcdInACallbackFailsAtOnceNamingTheFix() throws Exception {
		Client client = this.apps.start("orders").getBean(Client.class);
		ByteSequence key = bytes("/answer-thread/" + UUID.randomUUID());

		CompletableFuture<Object> nested = client.getKVClient()
			.put(key, bytes("v"))
			.thenApply((put) -> EtcdFutures.await(client.getKVClient().get(key), Duration.ofSeconds(5), "Reading back"));

		assertThat(nested).failsWithin(Duration.ofSeconds(2))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("Reading back cannot wait for etcd on vert.x-eventloop-thread-")
			.withMessageContaining("spring.cloud.etcd.event-loop-callbacks=false");
	}

	@Test
	void anAnswerAlreadyThereIsReadInACallback() throws Exception {
		Client client = this.apps.start("orders").getBean(Client.class);
		ByteSequence key = bytes("/answer-thread/" + UUID.randomUUID());

		String read = client.getKVClient()
			.put(key, bytes("v"))
			.thenApply((put) -> EtcdFutures.await(CompletableFuture.completedFuture("answered"), Duration.ofSeconds(5),
					"Reading"))
			.get(10, TimeUnit.SECONDS);

		assertThat(read).isEqualTo("answered");
	}

	private static Seen putWatched(Client client) throws Exception {
		ByteSequence key = bytes("/answer-thread/" + UUID.randomUUID());
		List<Thread> answers = new CopyOnWriteArrayList<>();
		long revision = client.getKVClient().put(key, bytes("v")).thenApply((put) -> {
			answers.add(Thread.currentThread());
			return put.getHeader().getRevision();
		}).get(10, TimeUnit.SECONDS);
		List<Thread> events = new CopyOnWriteArrayList<>();
		// From the put's revision: the event comes whenever the watch is set up.
		try (Watch.Watcher watcher = client.getWatchClient()
			.watch(key, WatchOption.builder().withRevision(revision).build(),
					Watch.listener((response) -> events.add(Thread.currentThread())))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
		}
		client.getKVClient().delete(key).get(10, TimeUnit.SECONDS);
		return new Seen(answers.get(0), events);
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

	/** The thread of a put's answer and those of its watch events. */
	record Seen(Thread answer, List<Thread> events) {
	}

}
