package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a registered key's lease and the key itself, once written, until told to stop: the
 * keep-alive stream, its {@link KeepAliveGuard}, and a watch on the key. Tells its
 * {@link Events owner} when either is lost, once per {@link #keep}; whatever it hears about a
 * lease it stopped keeping since is ignored. When jetcd gives a lease up (its stream went
 * unanswered for a TTL) that the guard kept alive meanwhile, nothing is lost: the stream is
 * opened again, and the guard and the watch go on. Confined to the registration's executor;
 * etcd's callbacks are handed to it.
 */
final class LeaseKeeper {

	private static final Log logger = LogFactory.getLog(LeasedKey.class);

	private static final Duration REWATCH_DELAY = Duration.ofMillis(250);

	private final LeasePort etcd;

	private final String key;

	private final LeaseExecutor executor;

	private final Clock clock;

	private final KeepAliveGuard guard;

	private final Events owner;

	// Executor-confined.
	private LeasePort.@Nullable Subscription keepAlive;

	private LeasePort.@Nullable Subscription keyWatch;

	private long generation;

	private @Nullable Instant lastKeepAlive;

	private long confirmedTtlSeconds;

	LeaseKeeper(LeasePort etcd, String key, Duration ttl, Duration requestTimeout, LeaseExecutor executor,
			Clock clock, Events owner) {
		this.etcd = etcd;
		this.key = key;
		this.executor = executor;
		this.clock = clock;
		this.owner = owner;
		this.guard = new KeepAliveGuard(etcd, executor, clock, ttl, requestTimeout);
	}

	/**
	 * Keeps {@code lease} alive and watches the key, written under it at {@code writtenAt};
	 * etcd last said at {@code confirmedAt} that the lease had {@code ttlSeconds} left.
	 */
	void keep(long lease, long writtenAt, Instant confirmedAt, long ttlSeconds) {
		stop();
		long observed = this.generation;
		this.lastKeepAlive = confirmedAt;
		this.confirmedTtlSeconds = ttlSeconds;
		this.keepAlive = this.etcd.keepAlive(lease, new KeepAliveListener(observed, lease));
		this.guard.guard(lease, new KeepAliveGuard.Renewals() {

			@Override
			public @Nullable Instant expiresAt() {
				return expiry();
			}

			@Override
			public void renewed(long ttlSeconds, Instant sent) {
				LeaseKeeper.this.renewed(observed, ttlSeconds, sent);
			}

			@Override
			public void notFound() {
				lost(observed, "lease not found in etcd");
			}

		});
		watchKey(observed, writtenAt, lease);
	}

	/** Stops keeping; nothing heard from now on about the lease kept so far counts. */
	void stop() {
		this.generation++;
		this.guard.stop();
		if (this.keyWatch != null) {
			this.keyWatch.close();
			this.keyWatch = null;
		}
		if (this.keepAlive != null) {
			this.keepAlive.close();
			this.keepAlive = null;
		}
	}

	/** Changes with every {@link #keep} and {@link #stop}. */
	long generation() {
		return this.generation;
	}

	@Nullable Instant lastKeepAlive() {
		return this.lastKeepAlive;
	}

	long confirmedTtlSeconds() {
		return this.confirmedTtlSeconds;
	}

	/** When etcd expires the lease unless it is renewed, as far as etcd told us. */
	private @Nullable Instant expiry() {
		return (this.lastKeepAlive != null) ? this.lastKeepAlive.plusSeconds(this.confirmedTtlSeconds) : null;
	}

	/**
	 * Somebody else may delete the key (an operator's {@code etcdctl del}, or a revoke of our
	 * lease) or overwrite it without our lease (it would then outlive this instance): watching
	 * it lets us put it back at once instead of at the next keep-alive failure, which for a
	 * revoke by key alone would never come. The watch requires a leader; when its member loses
	 * it, the key is watched again from the same revision through the next endpoint.
	 */
	private void watchKey(long observed, long writtenAt, long lease) {
		this.keyWatch = this.etcd.watch(this.key, writtenAt + 1, new LeasePort.KeyEvents() {

			@Override
			public void deleted() {
				LeaseKeeper.this.executor.execute(() -> lost(observed, "key deleted in etcd"));
			}

			@Override
			public void written(long writtenLease) {
				if (writtenLease != lease) {
					LeaseKeeper.this.executor
						.execute(() -> lost(observed, "key overwritten in etcd without this instance's lease"));
				}
			}

			@Override
			public void noLeader() {
				LeaseKeeper.this.executor.schedule(() -> rewatchKey(observed, writtenAt, lease), REWATCH_DELAY);
			}

			@Override
			public void ended(String reason) {
				LeaseKeeper.this.executor.execute(() -> lost(observed, "watch on the key ended: " + reason));
			}

		});
	}

	private void rewatchKey(long observed, long writtenAt, long lease) {
		if (observed == this.generation) {
			if (this.keyWatch != null) {
				this.keyWatch.close();
			}
			watchKey(observed, writtenAt, lease);
		}
	}

	/** A renewal for {@code ttlSeconds} from {@code at} on; one that arrives late does not turn the clock back. */
	private void renewed(long observed, long ttlSeconds, Instant at) {
		if (observed == this.generation) {
			if (this.lastKeepAlive == null || !at.isBefore(this.lastKeepAlive)) {
				this.confirmedTtlSeconds = ttlSeconds;
				this.lastKeepAlive = at;
			}
			this.owner.renewed();
		}
	}

	/**
	 * jetcd stopped renewing the lease: lost, unless the lease still lives as far as we know
	 * (the guard renewed it while the stream stalled); then jetcd is given it again. Either
	 * the guard renews it, or finds it gone, or the key watch sees the key go with it.
	 */
	private void keepAliveGaveUp(long observed, long lease) {
		if (observed != this.generation) {
			return;
		}
		Instant expiry = expiry();
		if (expiry == null || !expiry.isAfter(this.clock.instant())) {
			this.owner.lost("keep-alive gave up: no answer from etcd within the TTL");
			return;
		}
		logger.debug("Keep-alive for " + this.key + " gave up on a stalled stream while the lease was renewed "
				+ "through other members; opening it again");
		if (this.keepAlive != null) {
			this.keepAlive.close();
		}
		this.keepAlive = this.etcd.keepAlive(lease, new KeepAliveListener(observed, lease));
	}

	private void lost(long observed, String reason) {
		if (observed == this.generation) {
			this.owner.lost(reason);
		}
	}

	/** What the owner hears, on the executor. */
	interface Events {

		/** etcd confirmed the lease again. */
		void renewed();

		/** A keep-alive failed (jetcd retries, or gave up). */
		void keepAliveFailed();

		/** The lease or the key is lost: they have to be restored. */
		void lost(String reason);

	}

	/** Hears jetcd's keep-alive stream on jetcd's threads and hands everything to the executor. */
	private final class KeepAliveListener implements LeasePort.KeepAlives {

		private final long observed;

		private final long lease;

		KeepAliveListener(long observed, long lease) {
			this.observed = observed;
			this.lease = lease;
		}

		@Override
		public void renewed(long ttlSeconds) {
			// Stamped on arrival: the hand-off to the executor may wait.
			Instant at = LeaseKeeper.this.clock.instant();
			LeaseKeeper.this.executor.execute(() -> LeaseKeeper.this.renewed(this.observed, ttlSeconds, at));
		}

		@Override
		public void leaseNotFound() {
			LeaseKeeper.this.executor.execute(() -> {
				LeaseKeeper.this.owner.keepAliveFailed();
				lost(this.observed, "lease not found in etcd");
			});
		}

		@Override
		public void interrupted(Throwable error) {
			LeaseKeeper.this.executor.execute(() -> {
				LeaseKeeper.this.owner.keepAliveFailed();
				if (logger.isDebugEnabled()) {
					logger.debug("Keep-alive for " + LeaseKeeper.this.key + " interrupted, jetcd retries: " + error);
				}
			});
		}

		@Override
		public void gaveUp() {
			LeaseKeeper.this.executor.execute(() -> {
				LeaseKeeper.this.owner.keepAliveFailed();
				keepAliveGaveUp(this.observed, this.lease);
			});
		}

	}

}
