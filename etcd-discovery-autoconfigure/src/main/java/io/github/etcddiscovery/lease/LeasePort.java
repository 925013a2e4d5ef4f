package io.github.etcddiscovery.lease;

import java.util.concurrent.CompletableFuture;

/**
 * The etcd calls a {@link LeasedKey} makes, and nothing else, so that its state machine can be
 * driven by a fake etcd in a unit test while {@link JetcdLeasePort} makes them with jetcd.
 * Futures complete, and listeners are called, on whatever thread etcd answers on; the
 * caller hands anything that touches its state to its own executor.
 */
interface LeasePort {

	/** Grants a lease; completes with its id. */
	CompletableFuture<Long> grant(long ttlSeconds);

	/** Completes with the seconds the lease has left, zero or less when etcd no longer has it. */
	CompletableFuture<Long> timeToLive(long leaseId);

	/** Writes the key under the lease; completes with the revision of the write. */
	CompletableFuture<Long> put(String key, byte[] value, long leaseId);

	CompletableFuture<?> delete(String key);

	CompletableFuture<?> revoke(long leaseId);

	/**
	 * How many etcd endpoints the client spreads new streams over ({@code round_robin}), so
	 * that as many {@link #keepAliveOnce} sent at once reach every member.
	 */
	int endpoints();

	/** One renewal, on a new stream; completes with the TTL granted, zero when the lease is gone. */
	CompletableFuture<Long> keepAliveOnce(long leaseId);

	/** Renews the lease until closed. */
	Subscription keepAlive(long leaseId, KeepAlives listener);

	/** Watches the key from {@code fromRevision} on, through a member that has a leader. */
	Subscription watch(String key, long fromRevision, KeyEvents listener);

	/** A stream of answers that stops when closed. */
	interface Subscription {

		void close();

	}

	/** What a keep-alive stream says. */
	interface KeepAlives {

		void renewed(long ttlSeconds);

		/** etcd no longer has the lease. */
		void leaseNotFound();

		/** A transient failure: the stream is retried. */
		void interrupted(Throwable error);

		/** The stream gave up on the lease and will never renew it again. */
		void gaveUp();

	}

	/** What the watch on the key says. */
	interface KeyEvents {

		void deleted();

		/** The key was written, under {@code leaseId} (0 for none). */
		void written(long leaseId);

		/** The member serving the watch has no leader: the watch has to be opened again. */
		void noLeader();

		/** The watch ended for good. */
		void ended(String reason);

	}

}
