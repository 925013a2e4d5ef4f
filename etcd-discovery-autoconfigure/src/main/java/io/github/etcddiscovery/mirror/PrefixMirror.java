package io.github.etcddiscovery.mirror;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.SerialExecutor;

/**
 * Every key under one etcd prefix, followed: the generic half of a watch-backed cache, as
 * {@code LeasedKey} is of a registration. It knows nothing of what the keys mean; one
 * {@link MirrorListener} gets "replace all at revision R" and "events at revision R".
 * <p>
 * It lists the prefix (page by page, at one revision) and then watches from the next
 * revision. A watch that ends for good (compaction, no leader, ...) or a revision that went
 * backwards (an etcd that lost its data) makes it list again, which replaces everything; a
 * listing that fails is retried with backoff. Every resync interval a cheap
 * {@link DriftCheck} lists again if the listener holds other keys than etcd did at the
 * revision applied. Everything runs one task at a time on a {@link SerialExecutor}: listings
 * and checks, which wait on etcd, on the mirror's thread (its own, or one of the
 * {@link MirrorThreads} it shares with other mirrors); watch events, which never do, on the
 * thread that delivered them when the mirror is idle, so that a change reaches the listener
 * without a hand-off. Readers get an immutable {@link MirrorState}, published after the
 * listener holds what it describes.
 * <p>
 * This class is the mirror's face; {@link MirrorStart} is how it starts and
 * {@link MirrorFollower} how it follows etcd from then on.
 */
public final class PrefixMirror implements AutoCloseable {

	private final MirrorSettings settings;

	private final MirrorLane lane;

	private final SerialExecutor executor;

	private final MirrorStart start;

	private final MirrorFollower follower;

	/** A mirror on a thread of its own, named by {@link MirrorSettings#threadPrefix()}. */
	public PrefixMirror(PrefixSource source, MirrorListener listener, MirrorSettings settings) {
		this(source, listener, settings, MirrorThreads.ownLane(settings.threadPrefix()));
	}

	/**
	 * A mirror on threads it shares with other mirrors, which their owner closes; closing the
	 * mirror stops only its own tasks.
	 */
	public PrefixMirror(PrefixSource source, MirrorListener listener, MirrorSettings settings, MirrorThreads threads) {
		this(source, listener, settings, threads.lane());
	}

	private PrefixMirror(PrefixSource source, MirrorListener listener, MirrorSettings settings, MirrorLane lane) {
		this.settings = settings;
		this.lane = lane;
		this.executor = new SerialExecutor(lane);
		this.start = new MirrorStart(settings.name(), this.executor);
		this.follower = new MirrorFollower(source, listener, settings, lane, this.executor, this.start);
	}

	/**
	 * Lists the prefix and follows it from then on, waiting at most {@code wait} for the first
	 * listing: {@link #begin()} then {@link #awaitStart(Duration)}.
	 * @throws EtcdAccessException when etcd refused the listing (credentials, permissions),
	 * since retrying would not help; the mirror is then stopped
	 */
	public void start(Duration wait) {
		begin();
		awaitStart(wait);
	}

	/**
	 * Starts the first listing on the mirror's thread and returns at once, so that the
	 * connection to etcd and the listing overlap whatever the caller does next.
	 */
	public void begin() {
		this.start.begin(this.follower::resync);
	}

	/**
	 * Waits at most {@code wait} for the first listing {@link #begin() begun} earlier (begins
	 * it if it was not): when etcd does not answer in time the mirror goes on empty and fills
	 * in as soon as it does. Only the first call waits.
	 * @throws EtcdAccessException when etcd refused the listing (credentials, permissions),
	 * since retrying would not help; the mirror is then stopped
	 */
	public void awaitStart(Duration wait) {
		begin();
		this.start.await(wait, this.lane::shutdown, () -> this.lane.every(this.settings.resyncInterval(),
				() -> this.executor.execute(this.follower::checkForDrift)));
	}

	/** Stops following etcd: the watch is cancelled and no task of this mirror runs again. */
	@Override
	public void close() {
		if (this.lane.isShutdown()) {
			return;
		}
		Future<?> stopped = CompletableFuture.runAsync(this.follower::closeWatch, this.executor);
		try {
			stopped.get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Closing a watch does not talk to etcd; nothing left to wait for.
		}
		this.lane.shutdown();
	}

	/** How the mirror follows etcd right now: never ahead of what its listener holds. */
	public MirrorState state() {
		return this.follower.state();
	}

	/** Completes with the revision of the first listing, once its listener has applied it. */
	public CompletionStage<Long> firstListing() {
		return this.start.firstListing();
	}

	/** Runs the periodic check now, on the mirror's thread (for tests and benchmarks). */
	public Future<?> checkNow() {
		return CompletableFuture.runAsync(this.follower::checkForDrift, this.executor);
	}

	/** Test hook: forgets the watch as if its events were lost, without listing again. */
	public void dropWatchForTest() {
		this.executor.execute(this.follower::dropWatch);
	}

}
