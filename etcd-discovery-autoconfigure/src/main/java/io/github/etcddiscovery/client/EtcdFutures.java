package io.github.etcddiscovery.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Context;
import org.jspecify.annotations.Nullable;

/**
 * jetcd calls wait for a connection forever while etcd is down; every call we make goes
 * through here so that none of them can hang a caller. A refusal (credentials,
 * permissions) comes out as {@link EtcdAccessException}, anything else as
 * {@link EtcdUnavailableException}.
 */
public final class EtcdFutures {

	private EtcdFutures() {
	}

	/**
	 * Waits at most {@code timeout} for {@code future}.
	 * @throws IllegalStateException on an event loop thread, where jetcd delivers its answers
	 * ({@link EtcdProperties#isEventLoopCallbacks()}): the wait could only end in a timeout
	 */
	public static <T> T await(CompletableFuture<T> future, Duration timeout, String operation) {
		if (!future.isDone()) {
			requireMayWait(operation);
		}
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw timedOut(operation, timeout, ex);
		}
		catch (ExecutionException ex) {
			throw failure(operation, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new EtcdUnavailableException(operation + " was interrupted", ex);
		}
	}

	/**
	 * Fails at once on an event loop thread, where jetcd delivers its answers
	 * ({@link EtcdProperties#isEventLoopCallbacks()}): a wait for etcd there could only time
	 * out, holding up every answer of the connection meanwhile.
	 * @throws IllegalStateException naming {@code operation} and the fix
	 */
	public static void requireMayWait(String operation) {
		if (Context.isOnEventLoopThread()) {
			throw new IllegalStateException(operation + " cannot wait for etcd on " + Thread.currentThread().getName()
					+ ": that thread delivers etcd's answers, so the wait would only time out. Do not block in a "
					+ "callback of the etcd Client or in a ServiceChangeListener: continue on an executor of your own "
					+ "(thenApplyAsync), or set spring.cloud.etcd.event-loop-callbacks=false");
		}
	}

	/** What a failed call comes out as, for callers that do not wait on the future. */
	public static RuntimeException failure(String operation, Throwable cause) {
		EtcdAccessException denied = EtcdAccessException.of(operation, cause);
		if (denied != null) {
			return denied;
		}
		return new EtcdUnavailableException(operation + " failed: " + cause.getMessage(), cause);
	}

	/** What a call that got no answer in time comes out as. */
	public static EtcdUnavailableException timedOut(String operation, Duration timeout, @Nullable Throwable cause) {
		return new EtcdUnavailableException(operation + " timed out after " + timeout.toMillis() + " ms", cause);
	}

}
