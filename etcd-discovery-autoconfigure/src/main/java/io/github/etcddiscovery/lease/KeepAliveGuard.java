package io.github.etcddiscovery.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Renews a lease through another etcd member when jetcd's keep-alive stream stops being
 * answered.
 * <p>
 * jetcd sends every renewal over one long-lived stream, opened on whichever endpoint gRPC's
 * {@code round_robin} picked, and moves it only when that stream fails. A member cut off
 * from its cluster does not fail it: it holds each renewal while it waits for a leader (up to
 * its request timeout, 5 s plus two election timeouts), and ends the stream only a few
 * election timeouts after it lost its leader; with a short TTL the lease can expire
 * meanwhile, although two healthy members are reachable. When a renewal is overdue (no
 * answer for a third of the TTL, when jetcd renews, plus a margin), this sends single
 * renewals on new streams, each opened on the next endpoint and refused at once by a member
 * without a leader, until one is answered. Runs on the registration's executor, whose
 * scheduler also times the attempts out.
 */
final class KeepAliveGuard {

	private static final Log logger = LogFactory.getLog(KeepAliveGuard.class);

	private static final Duration CHECK_PERIOD = Duration.ofMillis(200);

	/** jetcd checks every 500 ms whether a renewal is due; an answer takes milliseconds. */
	private static final Duration MARGIN = Duration.ofMillis(600);

	private final LeasePort etcd;

	private final LeaseExecutor executor;

	private final Clock clock;

	private final Duration overdueAfter;

	private final Duration attemptTimeout;

	// Executor-confined.
	private @Nullable ScheduledFuture<?> task;

	private long token;

	private boolean inFlight;

	KeepAliveGuard(LeasePort etcd, LeaseExecutor executor, Clock clock, Duration ttl,
			Duration requestTimeout) {
		this.etcd = etcd;
		this.executor = executor;
		this.clock = clock;
		this.overdueAfter = ttl.dividedBy(3).plus(MARGIN);
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
		this.inFlight = false;
		if (this.task != null) {
			this.task.cancel(false);
			this.task = null;
		}
	}

	private void check(long leaseId, Renewals renewals, long observed) {
		Instant last = renewals.lastConfirmed();
		if (observed != this.token || this.inFlight || last == null
				|| Duration.between(last, this.clock.instant()).compareTo(this.overdueAfter) < 0) {
			return;
		}
		this.inFlight = true;
		this.executor.within(this.etcd.keepAliveOnce(leaseId), this.attemptTimeout, (ttl, error) -> {
			if (observed != this.token) {
				return;
			}
			this.inFlight = false;
			if (ttl != null && ttl > 0) {
				logger.debug("Lease " + Long.toHexString(leaseId) + " renewed on a new stream");
				renewals.renewed(ttl);
			}
			else if (ttl != null) {
				renewals.notFound();
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Renewing lease " + Long.toHexString(leaseId) + " on a new stream failed, "
						+ "trying the next endpoint: " + error);
			}
		});
	}

	/** What the guard reads and tells; called on the executor. */
	interface Renewals {

		@Nullable Instant lastConfirmed();

		void renewed(long ttlSeconds);

		void notFound();

	}

}
