package io.github.etcddiscovery.mirror;

import java.time.Clock;
import java.time.Duration;

import io.github.etcddiscovery.client.Backoff;

/**
 * How a {@link PrefixMirror} behaves.
 *
 * @param name what the mirror is to its readers, as log messages name it (for example "etcd
 * discovery view")
 * @param threadPrefix the name of its thread when it has one of its own (not {@link MirrorThreads}
 * shared with other mirrors), to which a number is appended
 * @param resyncInterval how often the periodic check against etcd runs
 * @param backoff how failed listings are retried
 * @param clock the time of listings and of confirmation changes
 */
public record MirrorSettings(String name, String threadPrefix, Duration resyncInterval, Backoff backoff, Clock clock) {

	/** With {@link Backoff#RETRY} and the system clock. */
	public MirrorSettings(String name, String threadPrefix, Duration resyncInterval) {
		this(name, threadPrefix, resyncInterval, Backoff.RETRY, Clock.systemUTC());
	}

}
