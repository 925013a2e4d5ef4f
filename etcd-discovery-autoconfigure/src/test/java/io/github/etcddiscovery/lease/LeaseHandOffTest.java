package io.github.etcddiscovery.lease;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.github.etcddiscovery.client.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which thread does what in a registration, with a real registry thread: the application's
 * call sends the grant itself, the thread that delivers the grant sends the put, and
 * everything else (bookkeeping, failures, logging) runs on the registry's thread, never on
 * the thread that delivered an answer.
 */
class LeaseHandOffTest {

	private static final String KEY = "/services/billing/billing-1";

	private final ScheduledExecutorService registry = Executors
		.newSingleThreadScheduledExecutor((task) -> new Thread(task, "registry"));

	private final FakeEtcd etcd = new FakeEtcd();

	private final List<String> stateChangedOn = new CopyOnWriteArrayList<>();

	private final LeasedKey leasedKey = new LeasedKey(this.etcd, KEY, () -> "v1".getBytes(StandardCharsets.UTF_8),
			Duration.ofSeconds(9), Duration.ofSeconds(5), this.registry, new Backoff(Duration.ofSeconds(5),
					Duration.ofSeconds(5)), Clock.systemUTC());

	LeaseHandOffTest() {
		this.leasedKey.listenWith(new LeaseListener() {

			@Override
			public void stateChanged(String key, LeaseState from, LeaseState to) {
				LeaseHandOffTest.this.stateChangedOn.add(to + " on " + Thread.currentThread().getName());
			}

		});
	}

	@AfterEach
	void stop() {
		this.registry.shutdownNow();
	}

	@Test
	void theCallerSendsTheGrantTheThreadThatAnswersItSendsThePutAndTheRegistryThreadDoesTheRest()
			throws Exception {
		this.etcd.hold("grant");
		Thread application = new Thread(() -> this.leasedKey.register(false), "application");
		application.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.etcd.calls.contains("grant 9"));

		Thread jetcd = new Thread(this.etcd::release, "jetcd-callback");
		jetcd.start();
		jetcd.join(10_000);
		application.join(10_000);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.etcd.calls).containsExactly("grant 9", "put " + KEY + " v1 16", "keepAlive 16",
				"watch " + KEY + " 3");
		assertThat(this.etcd.callThreads).containsExactly("application", "jetcd-callback", "registry", "registry");
		assertThat(this.stateChangedOn).containsExactly("ACTIVE on registry");
	}

	@Test
	void aGrantThatFailsIsHandledOnTheRegistryThreadNotOnTheOneThatDeliveredTheFailure() throws Exception {
		this.etcd.hold("grant");
		Thread application = new Thread(() -> this.leasedKey.register(false), "application");
		application.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.etcd.calls.contains("grant 9"));
		this.etcd.failure = new IllegalStateException("connection refused");

		Thread jetcd = new Thread(this.etcd::release, "jetcd-callback");
		jetcd.start();
		jetcd.join(10_000);
		application.join(10_000);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		assertThat(this.etcd.callThreads).containsExactly("application");
		assertThat(this.stateChangedOn).containsExactly("RECOVERING on registry");
	}

}
