package io.github.etcddiscovery.lease;

/**
 * Where a registration's lease stands.
 * <pre>
 *   REGISTERING --granted and put--> ACTIVE --lease lost--> RECOVERING --granted and put--> ACTIVE
 *        |                              |                        |
 *        +------------------------------+------------------------+--stop--> DEREGISTERED
 * </pre>
 * REGISTERING that fails moves to RECOVERING, which retries until it works or the
 * application stops.
 */
public enum LeaseState {

	/** First grant and put under way. */
	REGISTERING,

	/** The key is in etcd under a lease that is being kept alive. */
	ACTIVE,

	/** The lease or key was lost, or etcd is unreachable: restoring them in the background. */
	RECOVERING,

	/** Stopped for good: the key was deleted and the lease revoked (or left to expire). */
	DEREGISTERED

}
