package io.github.etcddiscovery.mirror;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The mirror's rules against a fake etcd, in milliseconds: listing, watching, listing again
 * when a watch ends or etcd lost its data, the drift check, retries. The same rules against
 * a real etcd are proven by {@code ResyncIntegrationTest}, {@code EtcdClusterFailoverTest},
 * {@code NetworkPartitionTest} and {@code EtcdOutageTest}.
 */
class PrefixMirrorTest {

	private static final MirrorSettings SETTINGS = new MirrorSettings("test mirror", "test-mirror-", Duration.ofHours(1),
			new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)), Clock.systemUTC());

	private final FakePrefixSource etcd = new FakePrefixSource();

	private final RecordingListener listener = new RecordingListener();

	private final PrefixMirror mirror = new PrefixMirror(this.etcd, this.listener, SETTINGS);

	PrefixMirrorTest() {
		this.listener.watching(this.mirror);
	}

	@AfterEach
	void close() {
		this.mirror.close();
	}

	@Test
	void listsEveryPageAtTheRevisionOfTheFirstThenWatchesFromTheNext() {
		for (String key : new String[] { "e", "a", "d", "b", "c" }) {
			this.etcd.put(key, "v-" + key);
		}

		this.mirror.start(Duration.ofSeconds(5));

		assertThat(this.listener.calls).containsExactly("replaced@5 [/p/a, /p/b, /p/c, /p/d, /p/e]");
		assertThat(this.etcd.pagesAskedAt).containsExactly(0L, 5L, 5L);
		assertThat(this.etcd.watch().fromRevision).isEqualTo(6);
		MirrorState state = this.mirror.state();
		assertThat(state.revision()).isEqualTo(5);
		assertThat(state.confirmed()).isTrue();
		assertThat(state.notConfirmedSince()).isNull();
		assertThat(state.lastListed()).isNotNull();
		assertThat(this.mirror.firstListing().toCompletableFuture()).isCompletedWithValue(5L);
	}

	@Test
	void theListenerHoldsTheListingBeforeTheStateSaysItIsConfirmed() {
		this.etcd.put("a", "1");

		this.mirror.start(Duration.ofSeconds(5));

		MirrorState whileTold = this.listener.statesSeen.get(0);
		assertThat(whileTold.confirmed()).as("health must not say confirmed before the view is replaced").isFalse();
		assertThat(whileTold.revision()).isZero();
		assertThat(whileTold.lastListed()).isNull();
		assertThat(this.mirror.state().confirmed()).isTrue();
		assertThat(this.mirror.state().revision()).isEqualTo(1);
	}

	@Test
	void eventsComeAtTheRevisionTheyBringAndTheStateSaysSoAfterTheListenerHolds() {
		this.mirror.start(Duration.ofSeconds(5));
		MirrorEvent put = this.etcd.put("a", "1");
		this.etcd.writeElsewhere();

		this.etcd.watch().deliver(put);

		waitUntil(() -> this.mirror.state().revision() == 1);
		assertThat(this.listener.calls).containsExactly("replaced@0 []", "changed@1/2 [PUT /p/a]");
		assertThat(this.listener.statesSeen.get(1).revision()).as("the state while the listener applies revision 1")
			.isZero();
		assertThat(this.listener.sorted()).isEqualTo(Map.of("/p/a", "1"));
	}

	@Test
	void anIdleMirrorAppliesEventsOnTheThreadThatDeliversThemWithoutAHandOff() throws Exception {
		this.mirror.start(Duration.ofSeconds(5));
		MirrorEvent put = this.etcd.put("a", "1");
		Thread delivering = new Thread(() -> this.etcd.watch().deliver(put), "jetcd-callback");

		delivering.start();
		delivering.join(10_000);

		waitUntil(() -> this.listener.last().equals("changed@1/1 [PUT /p/a]"));
		assertThat(this.listener.threads).element(0).asString().startsWith("test-mirror-");
		assertThat(this.listener.threads).element(1).isEqualTo("jetcd-callback");
	}

	@Test
	void aWatchThatEndsListsAgainAndWhatTheOldOneStillSaysIsIgnored() throws Exception {
		this.etcd.put("a", "1");
		this.mirror.start(Duration.ofSeconds(5));
		FakePrefixSource.Watch first = this.etcd.watch();
		long generation = this.mirror.state().watchGeneration();
		this.etcd.put("b", "2");
		MirrorEvent late = this.etcd.delete("a");
		this.etcd.compact();

		first.handler.ended("etcdserver: mvcc: required revision has been compacted");
		waitUntil(() -> this.listener.count("replaced") == 2);
		first.deliver(late);
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);

		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]", "replaced@3 [/p/b]", "checked@3 in sync");
		assertThat(first.cancelled).isTrue();
		assertThat(this.etcd.watch().fromRevision).isEqualTo(4);
		assertThat(this.mirror.state().watchGeneration()).isGreaterThan(generation);
	}

	@Test
	void aWatchResponseFromAnEtcdThatLostItsDataListsAgain() {
		this.etcd.put("a", "1");
		this.etcd.put("b", "2");
		this.etcd.put("c", "3");
		this.mirror.start(Duration.ofSeconds(5));

		this.etcd.wipe();
		this.etcd.watch().deliver(this.etcd.put("c", "3"));

		waitUntil(() -> this.listener.last().equals("replaced@2 [/p/c]") && this.mirror.state().revision() == 2);
		assertThat(this.etcd.pagesAskedOn).as("listing blocks: never on the thread that delivered the event")
			.allMatch(thread -> thread.startsWith("test-mirror-"));
		assertThat(this.listener.count("changed")).isZero();
		assertThat(this.etcd.watch().fromRevision).isEqualTo(3);
	}

	@Test
	void aDriftCheckThatFindsEtcdBehindTheMirrorListsAgain() throws Exception {
		this.etcd.put("a", "1");
		this.etcd.put("b", "2");
		this.mirror.start(Duration.ofSeconds(5));
		this.etcd.wipe();

		this.mirror.checkNow().get(5, TimeUnit.SECONDS);

		assertThat(this.listener.calls).containsExactly("replaced@2 [/p/a, /p/b]", "replaced@1 []");
	}

	@Test
	void aCheckThatAgreesListsNothingAndCostsTwoRequests() throws Exception {
		this.etcd.put("a", "1");
		this.mirror.start(Duration.ofSeconds(5));
		this.etcd.writeElsewhere();

		this.mirror.checkNow().get(5, TimeUnit.SECONDS);

		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]", "checked@2 in sync");
		assertThat(this.etcd.probesAskedAfter).containsExactly(1L);
		assertThat(this.etcd.pagesAskedAt).hasSize(1);
	}

	@Test
	void anEventTheWatchSkippedIsFoundByTheCountAtTheRevisionApplied() throws Exception {
		this.etcd.put("a", "1");
		this.mirror.start(Duration.ofSeconds(5));
		this.etcd.put("b", "2");
		this.etcd.watch().deliver(this.etcd.put("c", "3"));
		waitUntil(() -> this.mirror.state().revision() == 3);

		this.mirror.checkNow().get(5, TimeUnit.SECONDS);

		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]", "changed@3/3 [PUT /p/c]",
				"checked@3 drifted", "replaced@3 [/p/a, /p/b, /p/c]");
	}

	@Test
	void changesSeenAfterTheRevisionAppliedAreLostOnlyIfStillUnappliedAtTheNextCheck() throws Exception {
		this.etcd.put("a", "1");
		this.mirror.start(Duration.ofSeconds(5));

		// Arriving: seen by one check, applied before the next.
		MirrorEvent arriving = this.etcd.put("a", "2");
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);
		this.etcd.watch().deliver(arriving);
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);
		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]", "checked@2 in sync",
				"changed@2/2 [PUT /p/a]", "checked@2 in sync");

		// Lost: the same count, so only the second check can tell.
		this.etcd.put("a", "3");
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);
		assertThat(this.listener.last()).isEqualTo("checked@3 in sync");
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);
		assertThat(this.listener.calls).endsWith("checked@3 drifted", "replaced@3 [/p/a]");
		assertThat(this.listener.sorted()).isEqualTo(Map.of("/p/a", "3"));
	}

	@Test
	void aRevisionEtcdCompactedAwayCannotBeCheckedSoItIsListedAgain() throws Exception {
		this.etcd.put("a", "1");
		this.mirror.start(Duration.ofSeconds(5));
		this.etcd.delete("a");
		this.etcd.put("a", "2");
		this.etcd.compact();

		this.mirror.checkNow().get(5, TimeUnit.SECONDS);

		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]", "checked@3 drifted", "replaced@3 [/p/a]");
	}

	@Test
	void anInterruptedWatchLeavesTheMirrorUnconfirmedUntilEtcdAnswersAgainAndSkipsChecks() throws Exception {
		this.mirror.start(Duration.ofSeconds(5));

		this.etcd.watch().handler.interrupted("UNAVAILABLE: io exception");
		waitUntil(() -> !this.mirror.state().confirmed());
		MirrorState lost = this.mirror.state();
		assertThat(lost.notConfirmedReason()).isEqualTo("the watch was interrupted: UNAVAILABLE: io exception");
		assertThat(lost.lastError()).isEqualTo("UNAVAILABLE: io exception");
		assertThat(lost.notConfirmedSince()).isNotNull();
		this.mirror.checkNow().get(5, TimeUnit.SECONDS);
		assertThat(this.etcd.probesAskedAfter).isEmpty();

		this.etcd.watch().deliver(this.etcd.put("a", "1"));
		waitUntil(() -> this.mirror.state().confirmed());
		assertThat(this.mirror.state().notConfirmedReason()).isNull();
	}

	@Test
	void failedListingsAreRetriedWithBackoffUntilEtcdAnswers() {
		this.etcd.put("a", "1");
		this.etcd.failEveryListing(() -> new IllegalStateException("Listing /p/ timed out"));

		this.mirror.start(Duration.ofSeconds(5));
		waitUntil(() -> this.etcd.pagesAskedAt.size() >= 3);
		MirrorState failing = this.mirror.state();
		assertThat(failing.confirmed()).isFalse();
		assertThat(failing.notConfirmedReason()).isEqualTo("cannot list /p/: Listing /p/ timed out");
		assertThat(failing.lastError()).isEqualTo("Listing /p/ timed out");
		assertThat(failing.failedListings()).isPositive();
		this.etcd.failEveryListing(null);

		// The listener is told, then the state published; the first listing completes after both.
		waitUntil(() -> this.mirror.firstListing().toCompletableFuture().isDone());
		assertThat(this.mirror.state().confirmed()).isTrue();
		assertThat(this.listener.calls).containsExactly("replaced@1 [/p/a]");
		assertThat(this.mirror.state().failedListings()).isZero();
		assertThat(this.mirror.state().lastError()).isNull();
		assertThat(this.mirror.firstListing().toCompletableFuture()).isCompletedWithValue(1L);
	}

	@Test
	void aRefusedListingStopsTheStartSinceRetryingWouldNotHelp() {
		this.etcd.failEveryListing(() -> EtcdAccessException.of("Listing /p/",
				new IllegalStateException("etcdserver: permission denied")));

		assertThatExceptionOfType(EtcdAccessException.class).isThrownBy(() -> this.mirror.start(Duration.ofSeconds(5)))
			.satisfies(ex -> assertThat(ex.isPermissionDenied()).isTrue());
		assertThat(this.mirror.state().notConfirmedReason()).startsWith("cannot list /p/: Listing /p/ was denied");
		assertThat(this.listener.calls).isEmpty();
	}

	@Test
	void anEtcdThatDoesNotAnswerInTimeLetsTheStartGoOnEmpty() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		this.etcd.put("a", "1");
		this.etcd.failNextListing(() -> {
			try {
				answer.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new IllegalStateException("Listing /p/ timed out");
		});

		this.mirror.start(Duration.ofMillis(20));
		assertThat(this.listener.calls).isEmpty();
		assertThat(this.mirror.state().notConfirmedReason()).isEqualTo("not listed yet");
		answer.countDown();

		waitUntil(() -> this.listener.last().equals("replaced@1 [/p/a]"));
	}

	private static void waitUntil(Callable<Boolean> condition) {
		fast().until(condition);
	}

	private static ConditionFactory fast() {
		return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5));
	}

}
