package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Renews a lease through the other etcd members when jetcd's keep-alive stream stops being
 * answered.
 * <p>
 * jetcd sends every renewal over one long-lived stream, opened on whichever endpoint gRPC's
 * {@code round_robin} picked, and moves it only when that stream fails. A member cut off
 * from its cluster does not fail it: it holds each renewal while it waits for a leader (up to
 * its request timeout, 5 s plus two election timeouts), and ends the stream only a few
 * election timeouts after it lost its leader; with a short TTL the lease can expire
 * meanwhile, although two healthy members are reachable. When a renewal is overdue (the
 * lease has less left than two thirds of its TTL minus a margin: jetcd renews after a third),
 * this sends a round of single renewals on new streams, one per endpoint and all at once, so
 * that {@code round_robin} spreads them over the members: a renewal is idempotent, the first
 * answer wins, and a member without a leader refuses at once or times out alone. A round
 * that gets no answer is followed by the next one a check later, never by a second round
 * while one is under way, so that an outage of every member costs one request per endpoint
 * and check at most, and only until the registration gives the lease up. Runs on the
 * registration's executor, whose scheduler also times the attempts out.
 */
final class KeepAliveGuard {

	private static final Log logger = LogFactory.getLog(KeepAliveGuard.class);

	private static final Duration CHECK_PERIOD = Duration.ofMillis(200);

	/** jetcd checks every 500 ms whether a renewal is due; an answer takes milliseconds. */
	private static final Duration MARGIN = Duration.ofMillis(600);

	private final LeasePort etcd;

	private final LeaseExecutor executor;

	private final Clock clock;

	/** A renewal is overdue once the lease has this little left. */
	private final Duration renewWithin;

	private final Duration attemptTimeout;

	// Executor-confined.
	private @Nullable ScheduledFuture<?> task;

	private long token;

	private boolean roundUnderWay;

	KeepAliveGuard(LeasePort etcd, LeaseExecutor executor, Clock clock, Duration ttl, Duration requestTimeout) {
		this.etcd = etcd;
		this.executor = executor;
		this.clock = clock;
		this.renewWithin = ttl.minus(ttl.dividedBy(3).plus(MARGIN));
		Duration sixth = ttl.dividedBy(6);
		this.attemptTimeout = (sixth.compareTo(requestTimeout) < 0) ? sixth : requestTimeout;
	}

	/** Watches over {@code leaseId} until {@link #stop()} or the next {@code guard}. */
	void guard(long leaseId, Renewals renewals) {
		stop();
		long observed = this.token;
		this.task = this.executor.repeat(() -> check(leaseId, renewals, observed), CHECK_PERIOD);
	}

	void stop() {
		this.token++;
		this.roundUnderWay = false;
		if (this.task != null) {
			this.task.cancel(false);
			this.task = null;
		}
	}

	private void check(long leaseId, Renewals renewals, long observed) {
		Instant expiry = renewals.expiresAt();
		if (observed != this.token || this.roundUnderWay || expiry == null
				|| this.clock.instant().isBefore(expiry.minus(this.renewWithin))) {
			return;
		}
		this.roundUnderWay = true;
		// The lease is renewed from when the request goes out, at the latest.
		Instant sent = this.clock.instant();
		int endpoints = Math.max(1, this.etcd.endpoints());
		Round round = new Round(endpoints);
		for (int i = 0; i < endpoints; i++) {
			this.executor.within(this.etcd.keepAliveOnce(leaseId), this.attemptTimeout, (ttl, error) -> {
				if (observed != this.token || round.settled) {
					return;
				}
				round.pending--;
				if (ttl != null) {
					round.settled = true;
					this.roundUnderWay = false;
					if (ttl > 0) {
						if (logger.isDebugEnabled()) {
							logger.debug("Lease " + Long.toHexString(leaseId) + " renewed on a new stream, "
									+ Duration.between(this.clock.instant(), expiry).toMillis()
									+ " ms before it would have expired");
						}
						renewals.renewed(ttl, sent);
					}
					else {
						renewals.notFound();
					}
				}
				else if (round.pending == 0) {
					this.roundUnderWay = false;
					if (logger.isDebugEnabled()) {
						logger.debug("Renewing lease " + Long.toHexString(leaseId) + " on new streams to " + endpoints
								+ " endpoint(s) failed, trying again: " + error);
					}
				}
			});
		}
	}

	/** One renewal per endpoint, sent at once; settled by the first answer. Executor-confined. */
	private static final class Round {

		private int pending;

		private boolean settled;

		Round(int pending) {
			this.pending = pending;
		}

	}

	/** What the guard reads and tells; called on the executor. */
	interface Renewals {

		/** When etcd expires the lease unless it is renewed, as far as we know; null when not known. */
		@Nullable Instant expiresAt();

		/** Renewed for {@code ttlSeconds}, by a request sent at {@code sent}. */
		void renewed(long ttlSeconds, Instant sent);

		void notFound();

	}

}
