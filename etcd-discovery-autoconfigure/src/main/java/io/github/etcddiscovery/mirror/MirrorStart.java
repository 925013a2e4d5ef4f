package io.github.etcddiscovery.mirror;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.etcddiscovery.client.EtcdAccessException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link PrefixMirror} starts, apart from how it then follows etcd: its first listing,
 * begun in the background so that connecting and listing overlap the rest of a startup,
 * waited for at most a bound (an etcd that does not answer in time lets the start go on empty,
 * filled in as soon as it answers), and the one failure that stops the start: etcd refusing
 * the listing (credentials, permissions), which retrying would not help.
 */
final class MirrorStart {

	private static final Log logger = LogFactory.getLog(PrefixMirror.class);

	private final String name;

	private final Executor executor;

	private final CompletableFuture<Long> firstListing = new CompletableFuture<>();

	/** What etcd answered the latest listing when it refused it; null otherwise. */
	private volatile @Nullable EtcdAccessException refused;

	// Guarded by this: the first listing, and whether a caller waited for it.
	private @Nullable Future<?> first;

	private boolean started;

	/**
	 * @param name what the mirror is, as log messages name it
	 * @param executor the mirror's serial executor, which runs the listing
	 */
	MirrorStart(String name, Executor executor) {
		this.name = name;
		this.executor = executor;
	}

	/**
	 * Starts the first listing on the mirror's executor, once, and returns at once.
	 * @param listing lists the prefix and tells {@link #listed} or {@link #failed}
	 */
	synchronized void begin(Runnable listing) {
		if (this.first == null) {
			this.first = CompletableFuture.runAsync(listing, this.executor);
		}
	}

	/**
	 * Waits at most {@code wait} for the first listing {@link #begin begun} earlier; only the
	 * first call waits.
	 * @param stop stops the mirror when etcd refused the listing
	 * @param following starts what follows the start (the periodic check), once
	 * @throws EtcdAccessException when etcd refused the listing, after {@code stop} ran
	 */
	synchronized void await(Duration wait, Runnable stop, Runnable following) {
		if (this.started) {
			return;
		}
		Future<?> listing = this.first;
		if (listing == null) {
			throw new IllegalStateException("The first listing of " + this.name + " was not begun");
		}
		try {
			listing.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn(this.name + " starts empty, filled in as soon as etcd answers: " + ex);
		}
		this.started = true;
		EtcdAccessException refusal = this.refused;
		if (refusal != null) {
			stop.run();
			throw refusal;
		}
		following.run();
	}

	/** A listing worked and its listener holds it: completes the first listing. */
	void listed(long revision) {
		this.refused = null;
		this.firstListing.complete(revision);
	}

	/** A listing failed: a refusal stops a start that is waiting for it. */
	void failed(RuntimeException ex) {
		this.refused = (ex instanceof EtcdAccessException refusal) ? refusal : null;
	}

	/** Completes with the revision of the first listing, once its listener has applied it. */
	CompletionStage<Long> firstListing() {
		return this.firstListing.minimalCompletionStage();
	}

}
