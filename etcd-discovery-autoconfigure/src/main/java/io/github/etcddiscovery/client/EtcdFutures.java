package io.github.etcddiscovery.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * jetcd calls wait for a connection forever while etcd is down; every call we make goes
 * through here so that none of them can hang a caller. A refusal (credentials,
 * permissions) comes out as {@link EtcdAccessException}, anything else as
 * {@link EtcdUnavailableException}.
 */
public final class EtcdFutures {

	private EtcdFutures() {
	}

	public static <T> T await(CompletableFuture<T> future, Duration timeout, String operation) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new EtcdUnavailableException(operation + " timed out after " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			EtcdAccessException denied = EtcdAccessException.of(operation, cause);
			if (denied != null) {
				throw denied;
			}
			throw new EtcdUnavailableException(operation + " failed: " + cause.getMessage(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new EtcdUnavailableException(operation + " was interrupted", ex);
		}
	}

}
