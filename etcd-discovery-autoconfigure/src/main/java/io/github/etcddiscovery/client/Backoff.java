package io.github.etcddiscovery.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff. The jitter keeps a fleet of instances that lost etcd at the
 * same moment from all retrying in the same instant when it comes back.
 */
public final class Backoff {

	/**
	 * How etcd requests are retried: quick first retries, capped at 1.5 s so that a recovered
	 * etcd sees an instance again within seconds (and well within the 3 s that load-balanced
	 * callers keep the last instances of a service that vanished).
	 */
	public static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1500));

	private final long initialMillis;

	private final long maxMillis;

	public Backoff(Duration initial, Duration max) {
		this.initialMillis = Math.max(1, initial.toMillis());
		this.maxMillis = Math.max(this.initialMillis, max.toMillis());
	}

	/**
	 * The delay before retry number {@code attempt} (0 for the first retry): up to double the
	 * previous ceiling, between half and all of it.
	 */
	public Duration delay(int attempt) {
		long ceiling = this.initialMillis << Math.min(attempt, 20);
		ceiling = Math.min(ceiling, this.maxMillis);
		long half = ceiling / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
	}

}
