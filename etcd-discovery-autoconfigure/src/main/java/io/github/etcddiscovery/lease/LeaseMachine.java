package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LeaseState life cycle} of one {@link LeasedKey}, confined to its executor: every
 * method runs there, every etcd answer is handed back there before it touches the state, and
 * the executor never waits on etcd (a request that gets no answer within the request timeout
 * fails by a task the executor's scheduler runs). Hence no locks, and a deregistration runs
 * between two steps of a recovery instead of waiting for all of it: the steps still to come
 * see it, take back what they obtained, and restore nothing. What other threads read is
 * {@link #facts()}, an immutable {@link LeaseFacts} published after every change.
 * <p>
 * When the lease or the key is lost, the registration is restored: the lease is reused if it
 * still lives, otherwise a new one is granted, and the same key is put again, retrying with
 * backoff until it works or the key is deregistered.
 */
final class LeaseMachine implements LeaseKeeper.Events {

	private static final Log logger = LogFactory.getLog(LeasedKey.class);

	private final LeasePort etcd;

	private final String key;

	private final KeyWriter writer;

	private final Duration ttl;

	private final LeaseExecutor executor;

	private final Backoff backoff;

	private final LeaseKeeper keeper;

	private final Clock clock;

	private volatile LeaseFacts facts = new LeaseFacts(LeaseState.REGISTERING, 0, 0, null, 0, null);

	// Executor-confined.
	private LeaseListener listener = LeaseListener.NONE;

	private LeaseState state = LeaseState.REGISTERING;

	private long leaseId;

	private int recoveries;

	private @Nullable String lastError;

	private @Nullable ScheduledFuture<?> pendingRetry;

	private boolean attempting;

	private int failedAttempts;

	private boolean refusalReported;

	LeaseMachine(LeasePort etcd, String key, Supplier<byte[]> value, Duration ttl, Duration requestTimeout,
			LeaseExecutor executor, Backoff backoff, Clock clock) {
		this.etcd = etcd;
		this.key = key;
		this.writer = new KeyWriter(etcd, executor, key, value);
		this.ttl = ttl;
		this.executor = executor;
		this.backoff = backoff;
		this.clock = clock;
		this.keeper = new LeaseKeeper(etcd, key, ttl, requestTimeout, this.executor, clock, this);
	}

	/** The latest state, readable from any thread. */
	LeaseFacts facts() {
		return this.facts;
	}

	void listenWith(LeaseListener listener) {
		this.listener = listener;
	}

	/** The first attempt; {@code outcome} completes when it ends, exceptionally if it failed fast. */
	void register(boolean failFast, CompletableFuture<Void> outcome) {
		this.listener.registering(this.key);
		attempt(failFast, outcome);
	}

	/** Writes the current value again under the current lease; when that fails, the recovery does. */
	void rewrite(CompletableFuture<Void> done) {
		if (this.state != LeaseState.ACTIVE) {
			done.complete(null);
			return;
		}
		long observed = this.keeper.generation();
		Consumer<RuntimeException> failed = ex -> {
			if (observed == this.keeper.generation()) {
				lost("rewriting the value failed: " + ex.getMessage());
			}
			done.complete(null);
		};
		this.writer.put(this.leaseId, revision -> done.complete(null), failed);
	}

	/** Stops for good; returns the removal of the key and lease when {@code removeKey}. */
	CompletableFuture<Void> deregister(boolean removeKey) {
		if (this.state == LeaseState.DEREGISTERED) {
			return CompletableFuture.completedFuture(null);
		}
		// The delete goes out first, so that peers see the instance go while the rest is done;
		// whatever the key watch or the keep-alive say meanwhile no longer counts, since
		// DEREGISTERED is final.
		CompletableFuture<Void> removal = removeKey
				? KeyRemoval.remove(this.etcd, this.executor, this.key, this.leaseId, this::stopKeepingAlive) : null;
		transition(LeaseState.DEREGISTERED, removeKey ? "deregistering" : "leaving the lease to expire");
		if (removal == null) {
			stopKeepingAlive();
			return CompletableFuture.completedFuture(null);
		}
		return removal;
	}

	// ---- one attempt: reuse or grant a lease, put the key, keep both alive ----

	private void attempt(boolean failFast, @Nullable CompletableFuture<Void> outcome) {
		this.pendingRetry = null;
		if (this.state == LeaseState.DEREGISTERED || this.attempting) {
			complete(outcome);
			return;
		}
		this.attempting = true;
		Consumer<RuntimeException> failed = ex -> failed(ex, failFast, outcome);
		long lease = this.leaseId;
		if (lease == 0) {
			grantAndPut(outcome, failed);
			return;
		}
		// The current lease when etcd still has it, so that a short outage costs no new lease.
		this.executor.call(this.etcd.timeToLive(lease), "Looking up lease " + Long.toHexString(lease), remaining -> {
			if (!stoppedDuring(0, outcome)) {
				if (remaining > 0) {
					Instant confirmed = this.clock.instant();
					this.writer.put(lease, written -> established(lease, written, confirmed, remaining, outcome),
							failed);
				}
				else {
					grantAndPut(outcome, failed);
				}
			}
		}, failed);
	}

	private void grantAndPut(@Nullable CompletableFuture<Void> outcome, Consumer<RuntimeException> failed) {
		// The put goes out from the grant's answer, on the thread that delivered it when idle,
		// with the value encoded while the grant was under way; the lease's TTL runs from the
		// grant at the latest.
		Instant sent = this.clock.instant();
		CompletableFuture<Long> grant = this.etcd.grant(this.ttl.toSeconds());
		KeyWriter.Encoded encoded = this.writer.encode();
		this.executor.call(grant, "Granting a lease for " + this.key, true, lease -> {
			if (!stoppedDuring(lease, outcome)) {
				this.writer.putUnderNewLease(lease, encoded,
						written -> established(lease, written, sent, this.ttl.toSeconds(), outcome), failed);
			}
		}, failed);
	}

	/** Written at {@code written} under {@code lease}, which had {@code ttlSeconds} left at {@code confirmed}. */
	private void established(long lease, long written, Instant confirmed, long ttlSeconds,
			@Nullable CompletableFuture<Void> outcome) {
		if (stoppedDuring(lease, outcome)) {
			return;
		}
		this.attempting = false;
		this.keeper.keep(lease, written, confirmed, ttlSeconds);
		boolean recovered = this.state == LeaseState.RECOVERING;
		this.leaseId = lease;
		this.failedAttempts = 0;
		this.refusalReported = false;
		this.lastError = null;
		if (recovered) {
			this.recoveries++;
		}
		transition(LeaseState.ACTIVE, "lease " + Long.toHexString(lease) + ", ttl " + this.ttl.toSeconds() + "s");
		complete(outcome);
	}

	/**
	 * Whether the key was deregistered while the attempt waited on etcd: then it ends here and
	 * takes back the lease it obtained (0 for none), with whatever was written under it.
	 */
	private boolean stoppedDuring(long lease, @Nullable CompletableFuture<Void> outcome) {
		if (this.state != LeaseState.DEREGISTERED) {
			return false;
		}
		this.attempting = false;
		if (lease != 0) {
			this.etcd.revoke(lease);
		}
		complete(outcome);
		return true;
	}

	private void failed(RuntimeException ex, boolean failFast, @Nullable CompletableFuture<Void> outcome) {
		this.attempting = false;
		if (this.state == LeaseState.DEREGISTERED) {
			complete(outcome);
			return;
		}
		this.lastError = ex.getMessage();
		if (failFast) {
			publish();
			if (outcome != null) {
				outcome.completeExceptionally(ex);
			}
			return;
		}
		if (ex instanceof EtcdAccessException refusal && !this.refusalReported) {
			// Not an outage: waiting will not fix it, an operator has to. Said once, loudly;
			// the retries go on so that a granted permission takes effect without a restart.
			logger.error("Registration " + this.key + " is refused by etcd and retried until that changes: "
					+ ex.getMessage() + ". " + refusal.getAction());
			this.refusalReported = true;
		}
		transition(LeaseState.RECOVERING, String.valueOf(ex.getMessage()));
		retryLater();
		publish();
		complete(outcome);
	}

	private void retryLater() {
		if (this.pendingRetry != null || this.state == LeaseState.DEREGISTERED) {
			return;
		}
		Duration delay = this.backoff.delay(this.failedAttempts++);
		this.pendingRetry = this.executor.schedule(() -> attempt(false, null), delay);
	}

	@Override
	public void lost(String reason) {
		if (this.state != LeaseState.ACTIVE) {
			return;
		}
		this.lastError = reason;
		transition(LeaseState.RECOVERING, reason);
		stopKeepingAlive();
		attempt(false, null);
	}

	@Override
	public void renewed() {
		publish();
	}

	@Override
	public void keepAliveFailed() {
		if (this.state == LeaseState.DEREGISTERED) {
			return; // The keep-alive stops once the key's delete is answered.
		}
		this.listener.keepAliveFailed(this.key);
	}

	private void stopKeepingAlive() {
		this.keeper.stop();
		if (this.pendingRetry != null) {
			this.pendingRetry.cancel(false);
			this.pendingRetry = null;
		}
	}

	private void transition(LeaseState to, String why) {
		LeaseState from = this.state;
		// DEREGISTERED is final: an attempt that was under way when we stopped must not revive it.
		if (from == to || from == LeaseState.DEREGISTERED) {
			return;
		}
		this.state = to;
		publish();
		logger.info("Registration " + this.key + ": " + from + " -> " + to + " (" + why + ")");
		this.listener.stateChanged(this.key, from, to);
	}

	private void publish() {
		this.facts = new LeaseFacts(this.state, this.leaseId, this.keeper.confirmedTtlSeconds(),
				this.keeper.lastKeepAlive(), this.recoveries, this.lastError);
	}

	private static void complete(@Nullable CompletableFuture<Void> outcome) {
		if (outcome != null) {
			outcome.complete(null);
		}
	}

}
