package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded scheduled executor on virtual time, for unit tests of executor-confined
 * state machines: work handed to it from the test thread runs at once, on that thread, with
 * whatever it hands on in turn; scheduled work runs when the test {@link #advance advances}
 * the clock past it. A task's exception fails the test instead of being swallowed. Not
 * thread-safe: one test thread drives it.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final PriorityQueue<Task> queue = new PriorityQueue<>(
			Comparator.comparingLong((Task task) -> task.due).thenComparingLong(task -> task.order));

	private long nowNanos;

	private long sequence;

	private boolean running;

	private boolean shutdown;

	/** The clock this scheduler's time runs on. */
	Clock clock() {
		return new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Instant instant() {
				return START.plusNanos(ManualScheduler.this.nowNanos);
			}

		};
	}

	/** Moves time forward by {@code duration}, running what falls due on the way, in order. */
	void advance(Duration duration) {
		long target = this.nowNanos + duration.toNanos();
		while (!this.queue.isEmpty() && this.queue.peek().due <= target) {
			Task next = this.queue.poll();
			this.nowNanos = Math.max(this.nowNanos, next.due);
			runTask(next);
		}
		this.nowNanos = target;
	}

	/** How many tasks wait, repeating ones included. */
	int pending() {
		return this.queue.size();
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		return enqueue(new Task(command, this.nowNanos + unit.toNanos(delay), 0));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
			TimeUnit unit) {
		return enqueue(new Task(command, this.nowNanos + unit.toNanos(initialDelay), unit.toNanos(delay)));
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
			TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	private Task enqueue(Task task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("shut down");
		}
		this.queue.add(task);
		if (!this.running) {
			// Called from the test: run what is due now, as an idle executor thread would.
			advance(Duration.ZERO);
		}
		return task;
	}

	private void runTask(Task task) {
		boolean outermost = !this.running;
		this.running = true;
		try {
			task.command.run();
		}
		finally {
			if (outermost) {
				this.running = false;
			}
		}
		if (task.period > 0 && !task.cancelled && !this.shutdown) {
			task.due = this.nowNanos + task.period;
			this.queue.add(task);
		}
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		this.queue.clear();
	}

	@Override
	public List<Runnable> shutdownNow() {
		List<Runnable> dropped = new ArrayList<>();
		this.queue.forEach(task -> dropped.add(task.command));
		shutdown();
		return dropped;
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return this.shutdown;
	}

	private final class Task implements ScheduledFuture<Object> {

		private final Runnable command;

		private final long period;

		private final long order = ManualScheduler.this.sequence++;

		private long due;

		private boolean cancelled;

		Task(Runnable command, long due, long period) {
			this.command = command;
			this.due = due;
			this.period = period;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - ManualScheduler.this.nowNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.cancelled = true;
			return ManualScheduler.this.queue.remove(this);
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.cancelled || !ManualScheduler.this.queue.contains(this);
		}

		@Override
		public Object get() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

	}

}
