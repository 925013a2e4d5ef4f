package io.github.etcddiscovery.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Whether the discovery view is being confirmed by an etcd member that has a leader, and
 * since when it is not.
 * <p>
 * A view that silently stops following etcd (a watch on a member cut off from its cluster,
 * an etcd that does not answer) is still served, as the last known one; this is where that
 * becomes visible: health reads it, and each episode is logged once at WARN when it starts
 * and once when it ends, however many retries it takes. Written on the cache's thread only;
 * read from anywhere.
 */
final class ViewConfirmation {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final String prefix;

	private final Clock clock;

	private volatile boolean confirmed;

	private volatile @Nullable Instant notConfirmedSince;

	private volatile @Nullable String reason;

	private boolean warned;

	ViewConfirmation(String prefix, Clock clock) {
		this.prefix = prefix;
		this.clock = clock;
		this.notConfirmedSince = clock.instant();
		this.reason = "not listed yet";
	}

	/** A member with a leader answered for the view (a listing, or a watch response). */
	void confirmed(long revision) {
		if (this.confirmed) {
			return;
		}
		Instant since = this.notConfirmedSince;
		if (this.warned && since != null) {
			logger.warn("etcd discovery view under " + this.prefix + " follows etcd again at revision " + revision
					+ ", after " + Duration.between(since, this.clock.instant()).toMillis() + " ms");
		}
		this.confirmed = true;
		this.notConfirmedSince = null;
		this.reason = null;
		this.warned = false;
	}

	/** The view may miss changes from now on, until {@link #confirmed} again. */
	void lost(String why) {
		interrupted(why);
		if (!this.warned) {
			this.warned = true;
			logger.warn("etcd discovery view under " + this.prefix
					+ " is not confirmed by an etcd member with a leader since " + this.notConfirmedSince + " (" + why
					+ "); serving the last known instances and retrying through the other endpoints");
		}
	}

	/**
	 * The view is being listed again (a watch ended): not confirmed meanwhile, but said
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
