package io.github.etcddiscovery.mirror;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.client.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Mirrors sharing {@link MirrorThreads}, against fake etcds: many mirrors, few threads, each
 * mirror closed on its own, and every thread gone when the owner closes them. The same
 * against a real etcd and a real application is {@code SharedMirrorThreadsIntegrationTest}.
 */
class MirrorThreadsTest {

	private static final String THREADS = "shared-mirror-test-";

	private final MirrorThreads threads = new MirrorThreads(THREADS, 2);

	private final List<PrefixMirror> mirrors = new ArrayList<>();

	@AfterEach
	void close() {
		this.mirrors.forEach(PrefixMirror::close);
		this.threads.close();
	}

	@Test
	void twentyMirrorsFollowTheirPrefixesOnTwoThreads() {
		List<FakePrefixSource> sources = new ArrayList<>();
		List<RecordingListener> listeners = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			FakePrefixSource etcd = new FakePrefixSource();
			etcd.put("a", "v" + i);
			sources.add(etcd);
			listeners.add(new RecordingListener());
			mirror(etcd, listeners.get(i)).start(Duration.ofSeconds(5));
		}
		for (int i = 0; i < 20; i++) {
			sources.get(i).watch().deliver(sources.get(i).put("b", "w" + i));
		}

		for (int i = 0; i < 20; i++) {
			RecordingListener listener = listeners.get(i);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.keys.size() == 2);
			assertThat(listener.threads.get(0)).startsWith(THREADS);
		}
		assertThat(threadsNamed(THREADS)).isBetween(1L, 2L);
	}

	@Test
	void aClosedMirrorStopsAloneAndTheOthersGoOn() throws Exception {
		FakePrefixSource closedEtcd = new FakePrefixSource();
		FakePrefixSource otherEtcd = new FakePrefixSource();
		RecordingListener other = new RecordingListener();
		PrefixMirror closed = mirror(closedEtcd, new RecordingListener());
		closed.start(Duration.ofSeconds(5));
		mirror(otherEtcd, other).start(Duration.ofSeconds(5));

		closed.close();

		assertThat(closedEtcd.watch().cancelled).isTrue();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(closed::checkNow);
		otherEtcd.watch().deliver(otherEtcd.put("a", "1"));
		await().atMost(Duration.ofSeconds(10)).until(() -> other.keys.size() == 1);
		this.mirrors.get(1).checkNow().get(5, TimeUnit.SECONDS);
		assertThat(other.last()).isEqualTo("checked@1 in sync");
	}

	@Test
	void aMirrorClosedWhileItListsStartsNoWatchAfter() {
		FakePrefixSource etcd = new FakePrefixSource();
		CountDownLatch listing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		etcd.delayNextListing(() -> {
			listing.countDown();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		RecordingListener listener = new RecordingListener();
		PrefixMirror mirror = mirror(etcd, listener);
		mirror.begin();
		await().atMost(Duration.ofSeconds(10)).until(() -> listing.getCount() == 0);

		mirror.close();
		release.countDown();

		await().atMost(Duration.ofSeconds(10)).until(() -> listener.count("replaced") == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> etcd.watch().cancelled);
	}

	@Test
	void closingTheThreadsStopsEveryOne() {
		for (int i = 0; i < 5; i++) {
			mirror(new FakePrefixSource(), new RecordingListener()).start(Duration.ofSeconds(5));
		}
		assertThat(threadsNamed(THREADS)).isPositive();

		this.threads.close();

		await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed(THREADS) == 0);
	}

	private PrefixMirror mirror(FakePrefixSource etcd, RecordingListener listener) {
		PrefixMirror mirror = new PrefixMirror(etcd, listener, new MirrorSettings("mirror " + this.mirrors.size(),
				"unused-", Duration.ofHours(1), Backoff.RETRY, Clock.systemUTC()), this.threads);
		listener.watching(mirror);
		this.mirrors.add(mirror);
		return mirror;
	}

	static long threadsNamed(String prefix) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith(prefix))
			.count();
	}

}
