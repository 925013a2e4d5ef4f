package io.github.etcddiscovery.mirror;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.client.SerialExecutor;
import org.jspecify.annotations.Nullable;

/**
 * One mirror's share of {@link MirrorThreads}: what its {@link SerialExecutor} runs on and
 * its timers (the retry of a failed listing, the periodic check) are scheduled on. Closing it
 * stops this mirror's timers and refuses its new tasks, and leaves the threads to the other
 * mirrors; a lane over threads of its own stops them too. A task already running finishes.
 */
final class MirrorLane extends AbstractExecutorService {

	private final ScheduledExecutorService threads;

	private final @Nullable MirrorThreads owned;

	private final Set<Future<?>> timers = ConcurrentHashMap.newKeySet();

	private volatile boolean shutdown;

	MirrorLane(ScheduledExecutorService threads, @Nullable MirrorThreads owned) {
		this.threads = threads;
		this.owned = owned;
	}

	@Override
	public void execute(Runnable task) {
		if (isShutdown()) {
			throw new RejectedExecutionException("the mirror is closed");
		}
		this.threads.execute(task);
	}

	/** Runs {@code task} once after {@code delay}, unless the lane is closed by then. */
	void schedule(Duration delay, Runnable task) {
		track(this.threads.schedule(quietly(task), delay.toMillis(), TimeUnit.MILLISECONDS));
	}

	/** Runs {@code task} every {@code interval} until the lane is closed. */
	void every(Duration interval, Runnable task) {
		long millis = interval.toMillis();
		track(this.threads.scheduleWithFixedDelay(quietly(task), millis, millis, TimeUnit.MILLISECONDS));
	}

	private void track(ScheduledFuture<?> timer) {
		this.timers.removeIf(Future::isDone);
		this.timers.add(timer);
		if (this.shutdown) {
			timer.cancel(false);
		}
	}

	/** A timer that fires as the lane closes finds its mirror's executor refusing: nothing to do. */
	private static Runnable quietly(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
			}
		};
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		this.timers.forEach((timer) -> timer.cancel(false));
		this.timers.clear();
		if (this.owned != null) {
			this.owned.close();
		}
	}

	@Override
	public List<Runnable> shutdownNow() {
		shutdown();
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown || this.threads.isShutdown();
	}

	// A lane does not count its running tasks: closed is as terminated as it gets (no caller waits).
	@Override
	public boolean isTerminated() {
		return isShutdown();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isShutdown();
	}

}
