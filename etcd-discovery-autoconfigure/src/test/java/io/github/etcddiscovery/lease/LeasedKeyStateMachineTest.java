package io.github.etcddiscovery.lease;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The whole life cycle of a {@link LeasedKey}, every transition and the races with
 * deregistration, driven step by step on virtual time with an in-memory etcd: pure
 * state-machine logic, in milliseconds. The behaviour against a real etcd is proven by the
 * registry and reliability integration tests.
 */
class LeasedKeyStateMachineTest {

	private static final String KEY = "/services/orders/orders-1";

	private static final Duration TTL = Duration.ofSeconds(9);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	/** Retries wait between half and all of 100, 200, 400, 400, ... ms. */
	private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400));

	private final ManualScheduler scheduler = new ManualScheduler();

	private final FakeEtcd etcd = new FakeEtcd();

	private final AtomicReference<String> value = new AtomicReference<>("v1");

	private final List<String> events = new ArrayList<>();

	private final AtomicInteger encodings = new AtomicInteger();

	private LeasedKey leasedKey;

	@BeforeEach
	void create() {
		this.leasedKey = new LeasedKey(this.etcd, KEY, () -> {
			this.encodings.incrementAndGet();
			return this.value.get().getBytes(StandardCharsets.UTF_8);
		}, TTL, REQUEST_TIMEOUT, this.scheduler, BACKOFF, this.scheduler.clock());
		this.leasedKey.listenWith(new LeaseListener() {

			@Override
			public void registering(String key) {
				LeasedKeyStateMachineTest.this.events.add("registering");
			}

			@Override
			public void stateChanged(String key, LeaseState from, LeaseState to) {
				LeasedKeyStateMachineTest.this.events.add(from + "->" + to);
			}

			@Override
			public void keepAliveFailed(String key) {
				LeasedKeyStateMachineTest.this.events.add("keepAliveFailed");
			}

		});
	}

	@Test
	void registeringGrantsALeasePutsTheKeyAndKeepsBothAlive() {
		this.leasedKey.register(false);

		LeaseSnapshot snapshot = this.leasedKey.snapshot();
		assertThat(snapshot.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(snapshot.isActive()).isTrue();
		assertThat(snapshot.leaseId()).isEqualTo(0x10);
		assertThat(snapshot.remainingTtl()).isEqualTo(TTL);
		assertThat(snapshot.lastKeepAlive()).isEqualTo(this.scheduler.clock().instant());
		assertThat(snapshot.recoveries()).isZero();
		assertThat(snapshot.lastError()).isNull();
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x10));
		assertThat(this.etcd.calls).containsExactly("grant 9", "put " + KEY + " v1 16", "keepAlive 16",
				"watch " + KEY + " 3");
		assertThat(this.events).containsExactly("registering", "REGISTERING->ACTIVE");
	}

	@Test
	void snapshotsAreImmutableAndCountTheTtlDownFromTheLastRenewal() {
		this.leasedKey.register(false);
		LeaseSnapshot before = this.leasedKey.snapshot();

		this.scheduler.advance(Duration.ofSeconds(2));
		assertThat(this.leasedKey.snapshot().remainingTtl()).isEqualTo(Duration.ofSeconds(7));
		this.etcd.keepAlives().renewed(8);

		LeaseSnapshot after = this.leasedKey.snapshot();
		assertThat(after.remainingTtl()).isEqualTo(Duration.ofSeconds(8));
		assertThat(after.lastKeepAlive()).isEqualTo(before.lastKeepAlive().plusSeconds(2));
		assertThat(before.remainingTtl()).isEqualTo(TTL);
		this.etcd.hold("keepAliveOnce");
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(this.leasedKey.snapshot().isActive()).isFalse();
	}

	@Test
	void aFirstAttemptThatFailsRecoversWithBackoffUntilEtcdAnswers() {
		this.etcd.failure = new IllegalStateException("connection refused");

		this.leasedKey.register(false);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		assertThat(this.leasedKey.snapshot().lastError())
			.isEqualTo("Granting a lease for " + KEY + " failed: connection refused");
		assertThat(this.etcd.callsOf("grant")).isOne();
		this.scheduler.advance(Duration.ofMillis(49));
		assertThat(this.etcd.callsOf("grant")).as("the first retry waits at least 50 ms").isOne();
		this.scheduler.advance(Duration.ofMillis(51));
		assertThat(this.etcd.callsOf("grant")).as("and at most 100 ms").isEqualTo(2);
		this.scheduler.advance(Duration.ofMillis(200));
		assertThat(this.etcd.callsOf("grant")).as("the second within 200 ms more").isEqualTo(3);

		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofMillis(400));

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.leasedKey.snapshot().recoveries()).isOne();
		assertThat(this.leasedKey.snapshot().lastError()).isNull();
		assertThat(this.events).containsExactly("registering", "REGISTERING->RECOVERING", "RECOVERING->ACTIVE");
		long grants = this.etcd.callsOf("grant");
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.etcd.callsOf("grant")).as("no retry once active").isEqualTo(grants);
	}

	@Test
	void aRequestWithoutAnswerFailsAfterTheRequestTimeout() {
		this.etcd.failure = new IllegalStateException("connection refused");
		this.leasedKey.register(false);
		this.etcd.failure = null;
		this.etcd.hold("grant");

		this.scheduler.advance(Duration.ofMillis(100));
		assertThat(this.etcd.callsOf("grant")).as("the retry, sent between 50 and 100 ms").isEqualTo(2);
		this.scheduler.advance(Duration.ofMillis(949));
		assertThat(this.leasedKey.snapshot().lastError()).contains("connection refused");
		this.scheduler.advance(Duration.ofMillis(51));

		assertThat(this.leasedKey.snapshot().lastError())
			.isEqualTo("Granting a lease for " + KEY + " timed out after 1000 ms");
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
	}

	@Test
	void failFastThrowsAndDoesNotRetry() {
		this.etcd.failure = new IllegalStateException("connection refused");

		assertThatExceptionOfType(EtcdUnavailableException.class).isThrownBy(() -> this.leasedKey.register(true))
			.withMessage("Granting a lease for " + KEY + " failed: connection refused");

		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.etcd.callsOf("grant")).isOne();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.REGISTERING);
	}

	@Test
	void aRefusalIsRetriedUntilThePermissionIsGranted() {
		this.etcd.failure = new IllegalStateException("etcdserver: permission denied");

		this.leasedKey.register(false);
		this.scheduler.advance(Duration.ofSeconds(1));

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		assertThat(this.leasedKey.snapshot().lastError()).contains("was denied");
		assertThat(this.etcd.callsOf("grant")).isGreaterThan(2);
		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofMillis(400));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void aKeepAliveStreamThatGivesUpOnALeaseThatLivesIsOpenedAgainWithoutARecovery() {
		this.leasedKey.register(false);
		this.scheduler.advance(Duration.ofSeconds(2));

		// jetcd's stream went unanswered while the lease was renewed otherwise: 7 s are left.
		this.etcd.keepAlives().gaveUp();

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.leasedKey.snapshot().recoveries()).isZero();
		assertThat(this.etcd.keepAlivesOpened).isEqualTo(2);
		assertThat(this.etcd.calls).endsWith("keepAlive 16");
		assertThat(this.etcd.watchesOpened).as("the key watch goes on").isOne();
		assertThat(this.etcd.callsOf("timeToLive") + this.etcd.callsOf("put")).isOne();
		assertThat(this.events).containsExactly("registering", "REGISTERING->ACTIVE", "keepAliveFailed");
		this.etcd.keepAlives().renewed(9);
		assertThat(this.leasedKey.snapshot().remainingTtl()).isEqualTo(TTL);
	}

	@Test
	void aKeepAliveStreamThatGivesUpOnceTheLeaseRanOutIsRestoredOnTheSameLeaseWhileItLives() {
		this.leasedKey.register(false);
		this.etcd.hold("keepAliveOnce");
		this.scheduler.advance(TTL);

		this.etcd.keepAlives().gaveUp();

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.leasedKey.snapshot().leaseId()).isEqualTo(0x10);
		assertThat(this.leasedKey.snapshot().recoveries()).isOne();
		assertThat(this.etcd.callsOf("grant")).isOne();
		assertThat(this.etcd.calls).contains("timeToLive 16");
		assertThat(this.etcd.keepAlivesOpened).isEqualTo(2);
		assertThat(this.events).containsExactly("registering", "REGISTERING->ACTIVE", "keepAliveFailed",
				"ACTIVE->RECOVERING", "RECOVERING->ACTIVE");
	}

	@Test
	void aLeaseReusedByARecoveryIsRenewedByWhatEtcdSaysItHasLeft() {
		this.leasedKey.register(false);
		this.etcd.leases.put(0x10L, 2L);

		this.etcd.operatorDeletes(KEY);

		assertThat(this.leasedKey.snapshot().leaseId()).isEqualTo(0x10);
		assertThat(this.leasedKey.snapshot().remainingTtl()).isEqualTo(Duration.ofSeconds(2));
		this.scheduler.advance(Duration.ofMillis(200));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("renewed at the next check, not a third of the TTL later")
			.isEqualTo(3);
	}

	@Test
	void anExpiredLeaseIsReplacedByANewOneAndTheKeyPutAgain() {
		this.leasedKey.register(false);

		this.etcd.leases.clear();
		this.etcd.keepAlives().leaseNotFound();

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.leasedKey.snapshot().leaseId()).isEqualTo(0x11);
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x11));
		assertThat(this.etcd.calls).containsSubsequence("timeToLive 16", "grant 9", "put " + KEY + " v1 17");
	}

	@Test
	void aTransientKeepAliveFailureChangesNothing() {
		this.leasedKey.register(false);

		this.etcd.keepAlives().interrupted(new IllegalStateException("UNAVAILABLE"));

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.etcd.keepAlivesOpened).isOne();
		assertThat(this.events).containsExactly("registering", "REGISTERING->ACTIVE", "keepAliveFailed");
	}

	@Test
	void aKeyDeletedBySomebodyElseIsPutBack() {
		this.leasedKey.register(false);

		this.etcd.operatorDeletes(KEY);

		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x10));
		assertThat(this.leasedKey.snapshot().recoveries()).isOne();
		assertThat(this.events).contains("ACTIVE->RECOVERING");
	}

	@Test
	void aKeyExpiredWithItsLeaseIsPutBackUnderANewLease() {
		this.leasedKey.register(false);

		this.etcd.expire(0x10);

		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x11));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void aKeyOverwrittenWithoutOurLeaseIsPutBackUnderIt() {
		this.leasedKey.register(false);

		this.etcd.operatorPuts(KEY, "forged");

		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x10));
		assertThat(this.leasedKey.snapshot().recoveries()).isOne();
	}

	@Test
	void aWatchWhoseMemberLostItsLeaderIsOpenedAgainAndOneThatEndedRestoresTheKey() {
		this.leasedKey.register(false);

		this.etcd.watch().noLeader();
		assertThat(this.etcd.watchesOpened).isOne();
		this.scheduler.advance(Duration.ofMillis(250));
		assertThat(this.etcd.watchesOpened).isEqualTo(2);
		assertThat(this.etcd.calls).endsWith("watch " + KEY + " 3");
		assertThat(this.leasedKey.snapshot().recoveries()).isZero();

		this.etcd.watch().ended("compacted");
		assertThat(this.leasedKey.snapshot().recoveries()).isOne();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void rewritingPutsTheNewValueUnderTheSameLeaseAndAFailureRestoresTheRegistration() {
		this.leasedKey.register(false);

		this.value.set("v2");
		this.leasedKey.rewrite();
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v2", 0x10));
		assertThat(this.leasedKey.snapshot().recoveries()).isZero();

		this.value.set("v3");
		this.etcd.failure = new IllegalStateException("connection refused");
		this.leasedKey.rewrite();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofMillis(100));
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v3", 0x10));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void anOverdueRenewalGoesToEveryEndpointAtOnceAndCountsFromWhenItWasSent() {
		this.leasedKey.register(false);
		this.etcd.hold("keepAliveOnce");

		// Overdue after a third of the TTL plus a margin: 3.6 s, checked every 200 ms.
		this.scheduler.advance(Duration.ofMillis(3400));
		assertThat(this.etcd.callsOf("keepAliveOnce")).isZero();
		this.scheduler.advance(Duration.ofMillis(200));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("one per endpoint, all at once").isEqualTo(3);
		Instant sent = this.scheduler.clock().instant();
		this.scheduler.advance(Duration.ofMillis(300));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("no second round while one is under way").isEqualTo(3);
		this.etcd.release();
		assertThat(this.leasedKey.snapshot().lastKeepAlive()).as("the first answer counts from the request")
			.isEqualTo(sent);
		assertThat(this.leasedKey.snapshot().remainingTtl()).isEqualTo(TTL.minusMillis(300));

		this.etcd.hold("keepAliveOnce");
		this.scheduler.advance(Duration.ofMillis(3300));
		assertThat(this.etcd.callsOf("keepAliveOnce")).isEqualTo(6);
		this.scheduler.advance(Duration.ofMillis(800));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("attempts time out after 1 s").isEqualTo(6);
		this.scheduler.advance(Duration.ofMillis(400));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("then the next round").isEqualTo(9);
		this.etcd.release();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.leasedKey.snapshot().remainingTtl()).isGreaterThan(TTL.minusSeconds(1));
	}

	@Test
	void withEveryMemberDownTheGuardSendsOneRoundPerCheckUntilTheLeaseIsGivenUp() {
		this.leasedKey.register(false);
		this.etcd.failure = new IllegalStateException("UNAVAILABLE: io exception");

		this.scheduler.advance(Duration.ofMillis(3600));
		assertThat(this.etcd.callsOf("keepAliveOnce")).isEqualTo(3);
		this.scheduler.advance(Duration.ofMillis(200));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("refused at once: the next round a check later")
			.isEqualTo(6);
		this.scheduler.advance(TTL.minusMillis(3800));
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("28 checks from 3.6 s to 9 s, one round each")
			.isEqualTo(28 * 3);
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);

		this.etcd.keepAlives().gaveUp();
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		assertThat(this.etcd.callsOf("keepAliveOnce")).as("none once the lease is given up").isEqualTo(28 * 3);
		assertThat(this.etcd.callsOf("timeToLive")).as("the recovery retries with backoff").isBetween(10L, 60L);
	}

	@Test
	void aLeaseTheGuardFindsGoneIsReplaced() {
		this.leasedKey.register(false);
		this.etcd.leases.clear();

		this.scheduler.advance(Duration.ofMillis(3800));

		assertThat(this.etcd.calls).containsSubsequence("keepAliveOnce 16", "timeToLive 16", "grant 9");
		assertThat(this.leasedKey.snapshot().leaseId()).isEqualTo(0x11);
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void deregisteringDeletesTheKeyRevokesTheLeaseAndStopsEverything() {
		this.leasedKey.register(false);
		FakeEtcd.KeepAlives oldStream = this.etcd.keepAlives();
		FakeEtcd.KeyEvents oldWatch = this.etcd.watch();

		this.leasedKey.deregister(true);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.etcd.keys).isEmpty();
		assertThat(this.etcd.leases).isEmpty();
		assertThat(this.etcd.keepingAlive()).isFalse();
		assertThat(this.etcd.watching()).isFalse();
		assertThat(this.events).endsWith("ACTIVE->DEREGISTERED");
		assertAllStopped(oldStream, oldWatch);
	}

	@Test
	void theDeleteGoesOutAloneAndTheKeepAliveStopsAndTheLeaseIsRevokedOnceItIsAnswered() throws Exception {
		this.leasedKey.register(false);
		this.etcd.hold("delete");

		CompletableFuture<Void> deregistering = CompletableFuture.runAsync(() -> this.leasedKey.deregister(true));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.etcd.callsOf("delete") == 1);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.etcd.callsOf("revoke")).isZero();
		assertThat(this.etcd.keepingAlive()).isTrue();
		assertThat(this.etcd.watching()).isTrue();
		this.etcd.keepAlives().leaseNotFound();
		this.etcd.watch().deleted();
		this.etcd.release();
		this.scheduler.advance(Duration.ZERO);
		deregistering.get(10, TimeUnit.SECONDS);

		assertThat(this.etcd.calls).containsSubsequence("delete " + KEY, "revoke 16");
		assertThat(this.etcd.callsOf("put")).isOne();
		assertThat(this.etcd.keys).isEmpty();
		assertThat(this.etcd.leases).isEmpty();
		assertThat(this.etcd.keepingAlive()).isFalse();
		assertThat(this.etcd.watching()).isFalse();
		assertThat(this.events).endsWith("ACTIVE->DEREGISTERED");
	}

	@Test
	void theValueIsEncodedWhileTheGrantIsUnderWayAndPutOnceItIsAnswered() throws Exception {
		this.etcd.hold("grant");

		CompletableFuture<Void> registering = CompletableFuture.runAsync(() -> this.leasedKey.register(false));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.etcd.callsOf("grant") == 1);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.encodings.get() == 1);
		assertThat(this.etcd.callsOf("put")).isZero();
		this.etcd.release();
		this.scheduler.advance(Duration.ZERO);
		registering.get(10, TimeUnit.SECONDS);

		assertThat(this.encodings).hasValue(1);
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x10));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
	}

	@Test
	void aValueThatCannotBeEncodedFailsTheAttemptAndIsRetriedWithoutLeavingItsLeaseBehind() {
		this.value.set(null);

		this.leasedKey.register(false);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		assertThat(this.etcd.callsOf("put")).isZero();
		assertThat(this.etcd.calls).as("the lease granted for the value is revoked").containsSubsequence("grant 9",
				"revoke 16");
		assertThat(this.etcd.leases).isEmpty();
		this.value.set("v1");
		this.scheduler.advance(Duration.ofMillis(100));
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.etcd.keys).containsEntry(KEY, new FakeEtcd.Entry("v1", 0x11));
		assertThat(this.etcd.leases).containsOnlyKeys(0x11L);
	}

	@Test
	void leavingTheLeaseToExpireKeepsTheKeyButStopsRenewing() {
		this.leasedKey.register(false);

		this.leasedKey.deregister(false);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.etcd.keys).containsKey(KEY);
		assertThat(this.etcd.leases).containsKey(0x10L);
		assertThat(this.etcd.keepingAlive()).isFalse();
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.etcd.callsOf("keepAliveOnce")).isZero();
	}

	@Test
	void deregisteringWithEtcdDownGivesUpAndStaysDeregistered() {
		this.leasedKey.register(false);
		this.etcd.failure = new IllegalStateException("connection refused");

		this.leasedKey.deregister(true);
		this.leasedKey.deregister(true);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.etcd.callsOf("delete")).isOne();
		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.etcd.callsOf("put")).isOne();
	}

	@Test
	void aRetryScheduledWhenDeregistrationArrivesNeverRuns() {
		this.leasedKey.register(false);
		this.etcd.failure = new IllegalStateException("connection refused");
		this.etcd.keepAlives().leaseNotFound();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.RECOVERING);
		int pending = this.scheduler.pending();

		this.leasedKey.deregister(true);
		this.etcd.failure = null;
		this.scheduler.advance(Duration.ofSeconds(10));

		assertThat(this.scheduler.pending()).isLessThan(pending);
		assertThat(this.etcd.callsOf("timeToLive")).as("only the first, failed, attempt").isOne();
		assertThat(this.etcd.callsOf("put")).isOne();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.events).endsWith("ACTIVE->RECOVERING", "RECOVERING->DEREGISTERED");
	}

	@Test
	void aRetryWaitingForItsLeaseWhenDeregistrationArrivesTakesTheLeaseBackAndWritesNothing() {
		this.etcd.failure = new IllegalStateException("connection refused");
		this.leasedKey.register(false);
		this.etcd.failure = null;
		this.etcd.hold("grant");
		this.scheduler.advance(Duration.ofMillis(100));
		assertThat(this.etcd.callsOf("grant")).isEqualTo(2);

		this.leasedKey.deregister(true);
		this.etcd.release();
		this.scheduler.advance(Duration.ofSeconds(10));

		assertThat(this.etcd.callsOf("put")).isZero();
		assertThat(this.etcd.leases).isEmpty();
		assertThat(this.etcd.keys).isEmpty();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
	}

	@Test
	void aRetryWritingWhenDeregistrationArrivesTakesBackWhatItWrote() {
		this.leasedKey.register(false);
		this.etcd.leases.clear();
		this.etcd.hold("put");
		this.etcd.keepAlives().leaseNotFound();
		assertThat(this.etcd.calls).endsWith("put " + KEY + " v1 17");

		this.leasedKey.deregister(true);
		this.etcd.release();
		this.scheduler.advance(Duration.ofSeconds(10));

		assertThat(this.etcd.calls).containsSubsequence("put " + KEY + " v1 17", "delete " + KEY, "revoke 16")
			.endsWith("revoke 17");
		assertThat(this.etcd.keys).isEmpty();
		assertThat(this.etcd.leases).isEmpty();
		assertThat(this.etcd.keepingAlive()).isFalse();
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.events).endsWith("ACTIVE->RECOVERING", "RECOVERING->DEREGISTERED");
	}

	@Test
	void whatEtcdSaysAfterTheExecutorClosedIsDropped() {
		this.leasedKey.register(false);
		FakeEtcd.KeepAlives stream = this.etcd.keepAlives();

		this.scheduler.shutdownNow();
		stream.gaveUp();
		this.leasedKey.deregister(true);

		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.ACTIVE);
		assertThat(this.etcd.callsOf("timeToLive")).isZero();
	}

	private void assertAllStopped(FakeEtcd.KeepAlives oldStream, FakeEtcd.KeyEvents oldWatch) {
		int calls = this.etcd.calls.size();
		oldStream.gaveUp();
		oldStream.leaseNotFound();
		oldWatch.deleted();
		oldWatch.written(0);
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.etcd.calls).hasSize(calls);
		assertThat(this.leasedKey.state()).isEqualTo(LeaseState.DEREGISTERED);
		assertThat(this.scheduler.pending()).isZero();
	}

}
