package io.github.etcddiscovery.mirror;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * Whether a mirror is being confirmed by an etcd member that has a leader, and since when it
 * is not.
 * <p>
 * A mirror that silently stops following etcd (a watch on a member cut off from its
 * cluster, an etcd that does not answer) is still served, as the last known one; this is
 * where that becomes visible: the {@link MirrorState} carries it, and each episode is logged
 * once at WARN when it starts and once when it ends, however many retries it takes. Confined
 * to the mirror's serial executor.
 */
final class Confirmation {

	private final Log logger;

	private final String subject;

	private final Clock clock;

	private boolean confirmed;

	private @Nullable Instant notConfirmedSince;

	private @Nullable String reason;

	private boolean warned;

	/**
	 * @param subject what is or is not confirmed, as log messages name it
	 */
	Confirmation(Log logger, String subject, Clock clock) {
		this.logger = logger;
		this.subject = subject;
		this.clock = clock;
		this.notConfirmedSince = clock.instant();
		this.reason = "not listed yet";
	}

	/** A member with a leader answered for the mirror (a listing, or a watch response). */
	void confirmed(long revision) {
		if (this.confirmed) {
			return;
		}
		Instant since = this.notConfirmedSince;
		if (this.warned && since != null) {
			this.logger.warn(this.subject + " follows etcd again at revision " + revision + ", after "
					+ Duration.between(since, this.clock.instant()).toMillis() + " ms");
		}
		this.confirmed = true;
		this.notConfirmedSince = null;
		this.reason = null;
		this.warned = false;
	}

	/** The mirror may miss changes from now on, until {@link #confirmed} again. */
	void lost(String why) {
		interrupted(why);
		if (!this.warned) {
			this.warned = true;
			this.logger.warn(this.subject + " is not confirmed by an etcd member with a leader since "
					+ this.notConfirmedSince + " (" + why
					+ "); serving what it last saw and retrying through the other endpoints");
		}
	}

	/**
	 * The prefix is being listed again (a watch ended): not confirmed meanwhile, but said
	 * only if that listing fails too, since a prompt one loses nothing.
	 */
	void interrupted(String why) {
		this.reason = why;
		if (this.confirmed) {
			this.confirmed = false;
			this.notConfirmedSince = this.clock.instant();
		}
	}

	boolean isConfirmed() {
		return this.confirmed;
	}

	@Nullable Instant notConfirmedSince() {
		return this.notConfirmedSince;
	}

	@Nullable String reason() {
		return this.reason;
	}

}
