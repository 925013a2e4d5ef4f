package io.github.etcddiscovery.mirror;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that many {@link PrefixMirror}s share, so that threads do not grow with the
 * mirrors: with {@code watch=per-service} every service an application looks up is a mirror,
 * and a thread each would be hundreds of threads in a gateway.
 * <p>
 * Each mirror keeps its own serial executor over these threads, so its state still changes
 * one task at a time. What blocks on etcd (a listing, a drift check, each bounded by the
 * request timeout) holds one of them: at most {@code size} mirrors list at once, the others
 * wait their turn. Watch events do not need them: an idle mirror applies them on jetcd's
 * thread that delivered them. Made and closed by the owner of the mirrors, after it closed
 * them (a mirror cancels its watch on its own threads); closing stops every thread, whichever
 * mirror it was running for.
 */
public final class MirrorThreads implements AutoCloseable {

	private final ScheduledThreadPoolExecutor pool;

	/**
	 * @param threadPrefix the name of the threads, to which a number is appended
	 * @param size how many threads at most: how many mirrors may wait on etcd at once
	 */
	public MirrorThreads(String threadPrefix, int size) {
		this.pool = new ScheduledThreadPoolExecutor(size, threads(threadPrefix));
		this.pool.setRemoveOnCancelPolicy(true);
		this.pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/** A share of these threads for one mirror, which that mirror may close on its own. */
	MirrorLane lane() {
		return new MirrorLane(this.pool, null);
	}

	/** Threads of its own for one mirror, stopped when that mirror is closed. */
	static MirrorLane ownLane(String threadPrefix) {
		MirrorThreads own = new MirrorThreads(threadPrefix, 1);
		return new MirrorLane(own.pool, own);
	}

	/** Stops every thread; the mirrors that ran on them run no more. */
	@Override
	public void close() {
		this.pool.shutdownNow();
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
