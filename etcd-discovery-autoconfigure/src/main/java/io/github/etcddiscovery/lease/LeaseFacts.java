package io.github.etcddiscovery.lease;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An immutable copy of a {@link LeaseMachine}'s state, published on every change, so that
 * other threads read it without touching the state, which lives on the registration's
 * executor.
 */
record LeaseFacts(LeaseState state, long leaseId, long confirmedTtlSeconds, @Nullable Instant lastKeepAlive,
		int recoveries, @Nullable String lastError) {

}
