package io.github.etcddiscovery.lease;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * How a deregistration removes its key: the delete alone first, then, once etcd answered it
 * (or the request timed out), the keep-alive stops and the lease is revoked. Sent together
 * with the delete, the revoke and the closing of the keep-alive stream and of the key watch
 * made the delete's event reach other applications' watches a few tenths of a millisecond
 * later (measured with a plain jetcd writer and watcher, figure 2 of the benchmarks).
 */
final class KeyRemoval {

	private KeyRemoval() {
	}

	/**
	 * Sends the delete; {@code stopKeepingAlive} runs on the executor once it is answered.
	 * @return completes once the lease is revoked too, exceptionally if either failed
	 */
	static CompletableFuture<Void> remove(LeasePort etcd, LeaseExecutor executor, String key, long lease,
			Runnable stopKeepingAlive) {
		CompletableFuture<Void> removal = new CompletableFuture<>();
		executor.call(etcd.delete(key), "Deleting " + key,
				(deleted) -> revoke(etcd, lease, null, stopKeepingAlive, removal),
				(failure) -> revoke(etcd, lease, failure, stopKeepingAlive, removal));
		return removal;
	}

	private static void revoke(LeasePort etcd, long lease, @Nullable RuntimeException deleteFailed,
			Runnable stopKeepingAlive, CompletableFuture<Void> removal) {
		stopKeepingAlive.run();
		CompletableFuture<?> revoke = (lease != 0) ? etcd.revoke(lease) : CompletableFuture.completedFuture(null);
		revoke.whenComplete((revoked, revokeFailed) -> {
			Throwable failure = (deleteFailed != null) ? deleteFailed : revokeFailed;
			if (failure != null) {
				removal.completeExceptionally(failure);
			}
			else {
				removal.complete(null);
			}
		});
	}

}
