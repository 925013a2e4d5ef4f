package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.support.CloseableClient;
import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import io.github.etcddiscovery.client.EtcdWatchErrors;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one key in etcd under a lease for as long as the application wants it there: the
 * {@link LeaseState life cycle} of a registration in one place.
 * <p>
 * All etcd work happens on the given single-threaded executor, so the state needs no locks
 * and jetcd's callback threads are never blocked. jetcd facts this is built around: a
 * keep-alive {@code onError} is transient unless it says {@code NOT_FOUND} (the lease is gone
 * on the server); {@code onCompleted} means jetcd gave up on the lease and will never renew
 * it again. Either way we restore the registration ourselves: reuse the lease if it still
 * lives, otherwise grant a new one and put the same key again, retrying with backoff until it
 * works or {@link #deregister} is called.
 */
public final class LeasedKey {

	private static final Log logger = LogFactory.getLog(LeasedKey.class);

	private static final Duration REWATCH_DELAY = Duration.ofMillis(250);

	private final Client client;

	private final ByteSequence key;

	private final String keyText;

	private final Supplier<byte[]> value;

	private final Duration ttl;

	private final Duration requestTimeout;

	private final ScheduledExecutorService executor;

	private final Backoff backoff;

	private final Clock clock;

	private final KeepAliveGuard guard;

	private volatile LeaseState state = LeaseState.REGISTERING;

	private volatile long leaseId;

	private volatile long confirmedTtlSeconds;

	private volatile @Nullable Instant lastKeepAlive;

	private volatile int recoveries;

	private volatile @Nullable String lastError;

	private volatile LeaseListener listener = LeaseListener.NONE;

	// Executor-confined.
	private @Nullable CloseableClient keepAlive;

	private Watch.@Nullable Watcher keyWatch;

	private @Nullable ScheduledFuture<?> pendingRetry;

	private int failedAttempts;

	private boolean refusalReported;

	private long generation;

	public LeasedKey(Client client, String key, Supplier<byte[]> value, Duration ttl, Duration requestTimeout,
			ScheduledExecutorService executor, Backoff backoff, Clock clock) {
		this.client = client;
		this.keyText = key;
		this.key = ByteSequence.from(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		this.value = value;
		this.ttl = ttl;
		this.requestTimeout = requestTimeout;
		this.executor = executor;
		this.backoff = backoff;
		this.clock = clock;
		this.guard = new KeepAliveGuard(client.getLeaseClient(), executor, clock, ttl, requestTimeout);
	}

	/**
	 * Makes the first attempt and waits for it. When it fails, the registration goes on
	 * recovering in the background unless {@code failFast}, in which case the failure is
	 * thrown.
	 */
	public void register(boolean failFast) {
		this.listener.registering(this.keyText);
		Future<?> first = this.executor.submit(() -> attempt(failFast));
		try {
			first.get(this.requestTimeout.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new EtcdUnavailableException("Registering " + this.keyText + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			if (failFast) {
				throw new EtcdUnavailableException("Registering " + this.keyText + " timed out", ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Writes the current value again under the current lease, after the value changed. When
	 * that fails the recovery writes it.
	 */
	public void rewrite() {
		Future<?> done = this.executor.submit(() -> {
			if (this.state != LeaseState.ACTIVE) {
				return;
			}
			try {
				put(this.leaseId);
			}
			catch (RuntimeException ex) {
				lost("rewriting the value failed: " + ex.getMessage());
			}
		});
		awaitQuietly(done, this.requestTimeout.multipliedBy(2));
	}

	/**
	 * Stops for good. With {@code removeKey}, the key is deleted and the lease revoked so that
	 * peers see the instance go at once; otherwise the lease is left to expire. Runs on the
	 * caller's thread and takes at most the request timeout, even with etcd unreachable.
	 */
	public void deregister(boolean removeKey) {
		long lease;
		synchronized (this) {
			if (this.state == LeaseState.DEREGISTERED) {
				return;
			}
			transition(LeaseState.DEREGISTERED, removeKey ? "deregistering" : "leaving the lease to expire");
			lease = this.leaseId;
		}
		// Keep-alive and retries belong to the executor; it stops them without waiting on etcd.
		this.executor.execute(this::stopKeepingAlive);
		if (!removeKey) {
			return;
		}
		CompletableFuture<?> delete = this.client.getKVClient().delete(this.key);
		CompletableFuture<?> revoke = (lease != 0) ? this.client.getLeaseClient().revoke(lease)
				: CompletableFuture.completedFuture(null);
		try {
			EtcdFutures.await(CompletableFuture.allOf(delete, revoke), this.requestTimeout,
					"Deregistering " + this.keyText);
		}
		catch (EtcdUnavailableException | EtcdAccessException ex) {
			logger.warn(ex.getMessage() + "; the key expires with its lease within " + this.ttl.toSeconds() + "s");
		}
	}

	public LeaseSnapshot snapshot() {
		Instant last = this.lastKeepAlive;
		Duration remaining = Duration.ZERO;
		if (last != null && this.state == LeaseState.ACTIVE) {
			Duration left = Duration.ofSeconds(this.confirmedTtlSeconds)
				.minus(Duration.between(last, this.clock.instant()));
			remaining = left.isNegative() ? Duration.ZERO : left;
		}
		return new LeaseSnapshot(this.state, this.keyText, this.leaseId, this.ttl, remaining, last, this.recoveries,
				this.lastError);
	}

	/** Who is told about this key's life cycle, from the next event on. */
	public void listenWith(LeaseListener listener) {
		this.listener = listener;
	}

	public LeaseState state() {
		return this.state;
	}

	// ---- executor-confined life cycle ----

	private void attempt(boolean failFast) {
		this.pendingRetry = null;
		if (this.state == LeaseState.DEREGISTERED) {
			return;
		}
		try {
			long lease = reusableLease();
			if (lease == 0) {
				lease = EtcdFutures
					.await(this.client.getLeaseClient().grant(this.ttl.toSeconds()), this.requestTimeout,
							"Granting a lease for " + this.keyText)
					.getID();
			}
			long written = put(lease);
			if (this.state == LeaseState.DEREGISTERED) {
				// Deregistration raced with us: take back what we just wrote.
				this.client.getLeaseClient().revoke(lease);
				return;
			}
			keepAlive(lease);
			watchKey(written, lease);
			boolean recovered = this.state == LeaseState.RECOVERING;
			this.leaseId = lease;
			this.failedAttempts = 0;
			this.refusalReported = false;
			this.lastError = null;
			if (recovered) {
				this.recoveries++;
			}
			transition(LeaseState.ACTIVE, "lease " + Long.toHexString(lease) + ", ttl " + this.ttl.toSeconds() + "s");
		}
		catch (RuntimeException ex) {
			this.lastError = ex.getMessage();
			if (failFast) {
				throw ex;
			}
			if (ex instanceof EtcdAccessException refusal && !this.refusalReported) {
				// Not an outage: waiting will not fix it, an operator has to. Said once, loudly;
				// the retries go on so that a granted permission takes effect without a restart.
				logger.error("Registration " + this.keyText + " is refused by etcd and retried until that changes: "
						+ ex.getMessage() + ". " + refusal.getAction());
				this.refusalReported = true;
			}
			transition(LeaseState.RECOVERING, ex.getMessage());
			retryLater();
		}
	}

	/** The current lease when etcd still has it, so that a short outage costs no new lease. */
	private long reusableLease() {
		long lease = this.leaseId;
		if (lease == 0) {
			return 0;
		}
		long remaining = EtcdFutures.await(this.client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT),
				this.requestTimeout, "Looking up lease " + Long.toHexString(lease))
			.getTTL();
		return remaining > 0 ? lease : 0;
	}

	/** Returns the revision of the write. */
	private long put(long lease) {
		return EtcdFutures
			.await(this.client.getKVClient()
				.put(this.key, ByteSequence.from(this.value.get()), PutOption.builder().withLeaseId(lease).build()),
					this.requestTimeout, "Writing " + this.keyText)
			.getHeader()
			.getRevision();
	}

	private void keepAlive(long lease) {
		stopKeepingAlive();
		long observed = ++this.generation;
		this.lastKeepAlive = this.clock.instant();
		this.confirmedTtlSeconds = this.ttl.toSeconds();
		this.keepAlive = this.client.getLeaseClient().keepAlive(lease, new KeepAliveObserver(observed));
		this.guard.guard(lease, new KeepAliveGuard.Renewals() {

			@Override
			public @Nullable Instant lastConfirmed() {
				return LeasedKey.this.lastKeepAlive;
			}

			@Override
			public void renewed(long ttlSeconds) {
				LeasedKey.this.confirmedTtlSeconds = ttlSeconds;
				LeasedKey.this.lastKeepAlive = LeasedKey.this.clock.instant();
			}

			@Override
			public void notFound() {
				if (observed == LeasedKey.this.generation) {
					lost("lease not found in etcd");
				}
			}

		});
	}

	/**
	 * Somebody else may delete the key (an operator's {@code etcdctl del}, or a revoke of our
	 * lease) or overwrite it without our lease (it would then outlive this instance): watching
	 * it lets us put it back at once instead of at the next keep-alive failure, which for a
	 * revoke by key alone would never come. The watch requires a leader; when its member loses
	 * it, the key is watched again from the same revision through the next endpoint.
	 */
	private void watchKey(long writtenAt, long lease) {
		long observed = this.generation;
		WatchOption afterOurWrite = WatchOption.builder().withRevision(writtenAt + 1).withRequireLeader(true).build();
		this.keyWatch = this.client.getWatchClient()
			.watch(this.key, afterOurWrite, Watch.listener(response -> {
				for (WatchEvent event : response.getEvents()) {
					if (event.getEventType() == WatchEvent.EventType.DELETE) {
						onKeyEvent(observed, "key deleted in etcd");
					}
					else if (event.getKeyValue().getLease() != lease) {
						onKeyEvent(observed, "key overwritten in etcd without this instance's lease");
					}
				}
			}, error -> {
				if (EtcdWatchErrors.isNoLeader(error)) {
					this.executor.schedule(() -> rewatchKey(observed, writtenAt, lease), REWATCH_DELAY.toMillis(),
							TimeUnit.MILLISECONDS);
				}
				else if (EtcdWatchErrors.endsTheWatch(error)) {
					onKeyEvent(observed, "watch on the key ended: " + error.getMessage());
				}
			}));
	}

	private void rewatchKey(long observed, long writtenAt, long lease) {
		if (observed == this.generation && this.state == LeaseState.ACTIVE) {
			if (this.keyWatch != null) {
				this.keyWatch.close();
			}
			watchKey(writtenAt, lease);
		}
	}

	private void onKeyEvent(long observed, String reason) {
		this.executor.execute(() -> {
			if (observed == this.generation) {
				lost(reason);
			}
		});
	}

	private void stopKeepingAlive() {
		this.generation++;
		this.guard.stop();
		if (this.keyWatch != null) {
			this.keyWatch.close();
			this.keyWatch = null;
		}
		if (this.pendingRetry != null) {
			this.pendingRetry.cancel(false);
			this.pendingRetry = null;
		}
		if (this.keepAlive != null) {
			this.keepAlive.close();
			this.keepAlive = null;
		}
	}

	private void lost(String reason) {
		if (this.state != LeaseState.ACTIVE) {
			return;
		}
		this.lastError = reason;
		transition(LeaseState.RECOVERING, reason);
		stopKeepingAlive();
		attempt(false);
	}

	private void retryLater() {
		if (this.pendingRetry != null || this.state == LeaseState.DEREGISTERED) {
			return;
		}
		Duration delay = this.backoff.delay(this.failedAttempts++);
		this.pendingRetry = this.executor.schedule(() -> attempt(false), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void transition(LeaseState to, String why) {
		LeaseState from = this.state;
		// DEREGISTERED is final: an attempt that was under way when we stopped must not revive it.
		if (from == to || from == LeaseState.DEREGISTERED) {
			return;
		}
		this.state = to;
		logger.info("Registration " + this.keyText + ": " + from + " -> " + to + " (" + why + ")");
		this.listener.stateChanged(this.keyText, from, to);
	}

	private static void awaitQuietly(Future<?> future, Duration timeout) {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// The recovery loop owns failures from here on.
		}
	}

	/**
	 * Runs on jetcd's threads: records what it hears and hands anything that needs etcd to
	 * the executor. Callbacks for a lease we replaced since are ignored.
	 */
	private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {

		private final long observed;

		KeepAliveObserver(long observed) {
			this.observed = observed;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (current()) {
				LeasedKey.this.confirmedTtlSeconds = response.getTTL();
				LeasedKey.this.lastKeepAlive = LeasedKey.this.clock.instant();
			}
		}

		@Override
		public void onError(Throwable error) {
			LeasedKey.this.listener.keepAliveFailed(LeasedKey.this.keyText);
			if (error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
				onLost("lease not found in etcd");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Keep-alive for " + LeasedKey.this.keyText + " interrupted, jetcd retries: " + error);
			}
		}

		@Override
		public void onCompleted() {
			LeasedKey.this.listener.keepAliveFailed(LeasedKey.this.keyText);
			onLost("keep-alive gave up: no answer from etcd within the TTL");
		}

		private void onLost(String reason) {
			LeasedKey.this.executor.execute(() -> {
				if (current()) {
					lost(reason);
				}
			});
		}

		private boolean current() {
			return this.observed == LeasedKey.this.generation;
		}

	}

}
