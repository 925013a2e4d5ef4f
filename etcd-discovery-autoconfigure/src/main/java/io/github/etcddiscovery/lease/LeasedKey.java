package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps one key in etcd under a lease for as long as the application wants it there: the
 * {@link LeaseState life cycle} of a registration, restored whenever the lease or the key is
 * lost, until {@link #deregister}.
 * <p>
 * One concurrency rule: the state changes only in tasks of one {@link LeaseExecutor}, a
 * serial executor over the given single-threaded executor, one task at a time
 * ({@link LeaseMachine}); no task ever waits on etcd, so jetcd's callback threads are never
 * blocked and a deregistration is never queued behind a recovery. The methods here run their
 * work on the calling thread when the key is idle (otherwise after what runs, on the
 * executor's thread) and wait, each for a bounded time, so that neither
 * startup nor shutdown hangs on an unreachable etcd; on jetcd's event loop, where that wait
 * could only time out, they fail at once ({@link EtcdFutures#requireMayWait}); {@link #snapshot()} and
 * {@link #state()} read an immutable copy published there. The executor and the clock are
 * injected, so is etcd ({@link LeasePort}) for the unit test of the state machine.
 */
public final class LeasedKey {

	private static final Log logger = LogFactory.getLog(LeasedKey.class);

	private final String key;

	private final Duration ttl;

	private final Duration requestTimeout;

	private final LeaseExecutor executor;

	private final Clock clock;

	private final LeaseMachine machine;

	/**
	 * A key kept through {@code client}, whose {@code endpoints} (how many it was built with)
	 * are all tried at once when the keep-alive stream stalls.
	 */
	public LeasedKey(Client client, int endpoints, String key, Supplier<byte[]> value, Duration ttl,
			Duration requestTimeout, ScheduledExecutorService executor, Backoff backoff, Clock clock) {
		this(new JetcdLeasePort(client, endpoints), key, value, ttl, requestTimeout, executor, backoff, clock);
	}

	LeasedKey(LeasePort etcd, String key, Supplier<byte[]> value, Duration ttl, Duration requestTimeout,
			ScheduledExecutorService executor, Backoff backoff, Clock clock) {
		this.key = key;
		this.ttl = ttl;
		this.requestTimeout = requestTimeout;
		this.clock = clock;
		this.executor = new LeaseExecutor(executor, requestTimeout);
		this.machine = new LeaseMachine(etcd, key, value, ttl, requestTimeout, this.executor, backoff, clock);
	}

	/**
	 * Makes the first attempt and waits for it. When it fails, the registration goes on
	 * recovering in the background unless {@code failFast}, in which case the failure is
	 * thrown.
	 */
	public void register(boolean failFast) {
		EtcdFutures.requireMayWait("Registering " + this.key);
		CompletableFuture<Void> first = new CompletableFuture<>();
		// On this thread when the key is idle: the grant goes out without waking the registry's.
		this.executor.executeInline(() -> this.machine.register(failFast, first));
		try {
			first.get(this.requestTimeout.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new EtcdUnavailableException("Registering " + this.key + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			if (failFast) {
				throw new EtcdUnavailableException("Registering " + this.key + " timed out", ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Writes the current value again under the current lease, after the value changed. When
	 * that fails the recovery writes it.
	 */
	public void rewrite() {
		EtcdFutures.requireMayWait("Rewriting " + this.key);
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.executor.executeInline(() -> this.machine.rewrite(done));
		awaitQuietly(done, this.requestTimeout.multipliedBy(2));
	}

	/**
	 * Stops for good. With {@code removeKey}, the key is deleted and the lease revoked so that
	 * peers see the instance go at once; otherwise the lease is left to expire. Takes at most
	 * the request timeout, even with etcd unreachable.
	 */
	public void deregister(boolean removeKey) {
		EtcdFutures.requireMayWait("Deregistering " + this.key);
		CompletableFuture<CompletableFuture<Void>> handedOver = new CompletableFuture<>();
		try {
			// On this thread when the key is idle: the delete goes out without a hand-off.
			this.executor.executeInline(() -> handedOver.complete(this.machine.deregister(removeKey)));
		}
		catch (RejectedExecutionException ex) {
			return; // Closed: nothing keeps the key alive any more.
		}
		if (!removeKey) {
			awaitQuietly(handedOver, this.requestTimeout);
			return;
		}
		try {
			EtcdFutures.await(handedOver.thenCompose(removal -> removal), this.requestTimeout,
					"Deregistering " + this.key);
		}
		catch (EtcdUnavailableException | EtcdAccessException ex) {
			logger.warn(ex.getMessage() + "; the key expires with its lease within " + this.ttl.toSeconds() + "s");
		}
	}

	/** A consistent, immutable read of the registration, for health reporting. */
	public LeaseSnapshot snapshot() {
		LeaseFacts facts = this.machine.facts();
		Instant last = facts.lastKeepAlive();
		Duration remaining = Duration.ZERO;
		if (last != null && facts.state() == LeaseState.ACTIVE) {
			Duration left = Duration.ofSeconds(facts.confirmedTtlSeconds())
				.minus(Duration.between(last, this.clock.instant()));
			remaining = left.isNegative() ? Duration.ZERO : left;
		}
		return new LeaseSnapshot(facts.state(), this.key, facts.leaseId(), this.ttl, remaining, last,
				facts.recoveries(), facts.lastError());
	}

	/** Who is told about this key's life cycle, from the next event on. */
	public void listenWith(LeaseListener listener) {
		this.executor.executeInline(() -> this.machine.listenWith(listener));
	}

	public LeaseState state() {
		return this.machine.facts().state();
	}

	private static void awaitQuietly(Future<?> future, Duration timeout) {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// The recovery loop owns failures from here on.
		}
	}

}
