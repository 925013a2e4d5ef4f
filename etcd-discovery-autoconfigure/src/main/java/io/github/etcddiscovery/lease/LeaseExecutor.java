package io.github.etcddiscovery.lease;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.client.SerialExecutor;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link LeasedKey}'s state lives, and the way back to it: a {@link SerialExecutor}
 * over the registry's thread, so that its tasks run one at a time. etcd answers arrive on
 * jetcd's threads and continue here; a request that gets no answer within the request timeout
 * fails by a task of the thread's scheduler, so that no task ever waits on etcd. Two kinds of
 * work run on the thread that hands them over when nothing else runs, instead of waking the
 * registry's thread: a registration or deregistration asked by the application, and a lease
 * grant answered, whose put is then sent at once. Once the thread is shut down, work handed
 * over is dropped: the registry is closing and nothing is left to do.
 */
final class LeaseExecutor {

	private final ScheduledExecutorService scheduler;

	private final SerialExecutor serial;

	private final Duration requestTimeout;

	LeaseExecutor(ScheduledExecutorService scheduler, Duration requestTimeout) {
		this.scheduler = scheduler;
		this.serial = new SerialExecutor(scheduler);
		this.requestTimeout = requestTimeout;
	}

	void execute(Runnable work) {
		try {
			this.serial.execute(work);
		}
		catch (RejectedExecutionException ex) {
			// Closing.
		}
	}

	/**
	 * Runs {@code work} on the calling thread when nothing else runs, else after what does.
	 * @throws RejectedExecutionException once the registry is closed
	 */
	void executeInline(Runnable work) {
		this.serial.executeInline(work);
	}

	@Nullable ScheduledFuture<?> schedule(Runnable work, Duration delay) {
		try {
			return this.scheduler.schedule(() -> execute(work), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	@Nullable ScheduledFuture<?> repeat(Runnable work, Duration period) {
		try {
			return this.scheduler.scheduleWithFixedDelay(() -> execute(work), period.toMillis(), period.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	/**
	 * Continues here with etcd's answer, or with its failure, or with a timeout when there is
	 * no answer within the request timeout; exactly one of them.
	 */
	<T> void call(CompletableFuture<T> request, String operation, Consumer<T> answered,
			Consumer<RuntimeException> failed) {
		call(request, operation, false, answered, failed);
	}

	/**
	 * Like {@link #call}; with {@code inline}, an answer (not a failure, which may log)
	 * continues on jetcd's thread that delivered it when nothing else runs: what it does must
	 * not block.
	 */
	<T> void call(CompletableFuture<T> request, String operation, boolean inline, Consumer<T> answered,
			Consumer<RuntimeException> failed) {
		within(request, this.requestTimeout, inline, (answer, failure) -> {
			if (failure == null) {
				answered.accept(answer);
			}
			else if (failure instanceof TimedOut) {
				failed.accept(EtcdFutures.timedOut(operation, this.requestTimeout, null));
			}
			else {
				failed.accept(EtcdFutures.failure(operation, failure));
			}
		});
	}

	/** Like {@link #call} with a timeout of its own and etcd's failure as it is. */
	<T> void within(CompletableFuture<T> request, Duration timeout, Answer<T> answer) {
		within(request, timeout, false, answer);
	}

	private <T> void within(CompletableFuture<T> request, Duration timeout, boolean inline, Answer<T> answer) {
		boolean[] settled = new boolean[1];
		ScheduledFuture<?> timer = schedule(() -> {
			if (!settled[0]) {
				settled[0] = true;
				request.cancel(true);
				answer.accept(null, new TimedOut());
			}
		}, timeout);
		request.whenComplete((result, failure) -> {
			Runnable settle = () -> {
				if (settled[0]) {
					return;
				}
				settled[0] = true;
				if (timer != null) {
					timer.cancel(false);
				}
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				answer.accept(result, cause);
			};
			if (inline && failure == null) {
				try {
					executeInline(settle);
				}
				catch (RejectedExecutionException ex) {
					// Closing.
				}
			}
			else {
				execute(settle);
			}
		});
	}

	/** An answer or a failure, on the executor. */
	interface Answer<T> {

		void accept(@Nullable T result, @Nullable Throwable failure);

	}

	/** No answer in time. */
	static final class TimedOut extends RuntimeException {

		TimedOut() {
			super("no answer in time", null, false, false);
		}

	}

}
