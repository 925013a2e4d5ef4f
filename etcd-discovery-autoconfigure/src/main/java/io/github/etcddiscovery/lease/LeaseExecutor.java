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
import org.jspecify.annotations.Nullable;

/**
 * The one thread a {@link LeasedKey}'s state lives on, and the way back to it: etcd answers
 * arrive on jetcd's threads and continue here; a request that gets no answer within the
 * request timeout fails by a task of this executor's scheduler, so that the thread itself
 * never waits on etcd. Once the executor is shut down, work handed to it is dropped: the
 * registry is closing and nothing is left to do.
 */
final class LeaseExecutor {

	private final ScheduledExecutorService executor;

	private final Duration requestTimeout;

	LeaseExecutor(ScheduledExecutorService executor, Duration requestTimeout) {
		this.executor = executor;
		this.requestTimeout = requestTimeout;
	}

	void execute(Runnable work) {
		try {
			this.executor.execute(work);
		}
		catch (RejectedExecutionException ex) {
			// Closing.
		}
	}

	@Nullable ScheduledFuture<?> schedule(Runnable work, Duration delay) {
		try {
			return this.executor.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	@Nullable ScheduledFuture<?> repeat(Runnable work, Duration period) {
		try {
			return this.executor.scheduleWithFixedDelay(work, period.toMillis(), period.toMillis(),
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
		within(request, this.requestTimeout, (answer, failure) -> {
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
		boolean[] settled = new boolean[1];
		ScheduledFuture<?> timer = schedule(() -> {
			if (!settled[0]) {
				settled[0] = true;
				request.cancel(true);
				answer.accept(null, new TimedOut());
			}
		}, timeout);
		request.whenComplete((result, failure) -> execute(() -> {
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
		}));
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
