package io.github.etcddiscovery.lease;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A consistent read of a {@link LeasedKey} for health reporting.
 *
 * @param state where the life cycle stands
 * @param key the etcd key kept alive
 * @param leaseId the current lease, 0 when there is none
 * @param ttl the TTL the lease was granted with
 * @param remainingTtl time left before etcd expires the lease, as of the last keep-alive
 * @param lastKeepAlive when etcd last confirmed the lease, null before the first time
 * @param recoveries how often the registration was restored after a loss
 * @param lastError what went wrong most recently, null when all is well
 */
public record LeaseSnapshot(LeaseState state, String key, long leaseId, Duration ttl, Duration remainingTtl,
		@Nullable Instant lastKeepAlive, int recoveries, @Nullable String lastError) {

	public boolean isActive() {
		return this.state == LeaseState.ACTIVE && !this.remainingTtl.isZero();
	}

}
