package io.github.etcddiscovery.mirror;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.client.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link PrefixMirror} follows etcd once it is started: the listing at one revision,
 * the watch from the next, the events, the listing again when a watch ends or etcd's revision
 * goes back, the retries of failed listings and the periodic {@link DriftCheck}. Its state
 * is confined to the mirror's {@link SerialExecutor}; readers get the immutable
 * {@link MirrorState} it publishes.
 * <p>
 * Order: the listener is told first and the state published after, so that a state read
 * anywhere (health: "confirmed at revision N") never describes a view the listener does not
 * hold yet.
 */
final class MirrorFollower {

	private static final Log logger = LogFactory.getLog(PrefixMirror.class);

	private final PrefixSource source;

	private final MirrorListener listener;

	private final MirrorSettings settings;

	private final String prefix;

	private final MirrorLane lane;

	private final SerialExecutor executor;

	private final MirrorStart start;

	private final Confirmation confirmation;

	private final DriftCheck driftCheck;

	private volatile MirrorState state;

	// Executor-confined.
	private long revision;

	private @Nullable Instant lastListed;

	private @Nullable String lastError;

	private PrefixSource.@Nullable Watching watching;

	private long watchGeneration;

	private int failedListings;

	private boolean resyncPending;

	MirrorFollower(PrefixSource source, MirrorListener listener, MirrorSettings settings, MirrorLane lane,
			SerialExecutor executor, MirrorStart start) {
		this.source = source;
		this.listener = listener;
		this.settings = settings;
		this.prefix = source.prefix();
		this.lane = lane;
		this.executor = executor;
		this.start = start;
		this.confirmation = new Confirmation(logger, settings.name() + " under " + this.prefix, settings.clock());
		this.driftCheck = new DriftCheck(source, listener, settings.name());
		this.state = snapshot();
	}

	MirrorState state() {
		return this.state;
	}

	// ---- executor-confined ----

	/** Lists the prefix, replaces what the listener holds, and watches from the next revision. */
	void resync() {
		this.resyncPending = false;
		closeWatch();
		try {
			List<MirrorEntry> entries = new ArrayList<>();
			long listedAt = listInto(entries);
			this.revision = listedAt;
			this.lastListed = this.settings.clock().instant();
			watchFrom(listedAt + 1);
			this.confirmation.confirmed(listedAt);
			this.lastError = null;
			this.failedListings = 0;
			tell(() -> this.listener.replaced(listedAt, entries));
			publishState();
			this.start.listed(listedAt);
		}
		catch (RuntimeException ex) {
			this.lastError = ex.getMessage();
			this.start.failed(ex);
			this.confirmation.lost("cannot list " + this.prefix + ": " + ex.getMessage());
			publishState();
			resyncLater();
		}
	}

	/** Reads every key under the prefix at one revision, and returns that revision. */
	private long listInto(List<MirrorEntry> entries) {
		long atRevision = 0;
		byte[] from = null;
		do {
			PrefixSource.Page page = this.source.listPage(from, atRevision);
			if (atRevision == 0) {
				atRevision = page.revision();
			}
			entries.addAll(page.entries());
			from = page.next();
		}
		while (from != null);
		return atRevision;
	}

	void checkForDrift() {
		if (!this.confirmation.isConfirmed() || this.resyncPending) {
			return;
		}
		try {
			if (this.driftCheck.listAgain(this.revision)) {
				resync();
			}
		}
		catch (RuntimeException ex) {
			logger.debug(this.settings.name() + " drift check failed: " + ex.getMessage());
		}
	}

	private void resyncLater() {
		if (!this.resyncPending && !this.lane.isShutdown()) {
			Duration delay = this.settings.backoff().delay(this.failedListings++);
			this.resyncPending = true;
			this.lane.schedule(delay, () -> this.executor.execute(this::resync));
			publishState();
		}
	}

	private void watchFrom(long fromRevision) {
		long generation = ++this.watchGeneration;
		this.watching = this.source.watch(fromRevision, new PrefixSource.WatchHandler() {

			@Override
			public void events(long etcdRevision, List<MirrorEvent> events) {
				// Applied on the thread that delivers them unless the mirror is busy: no hand-off
				// on the way from etcd to the view.
				MirrorFollower.this.executor.executeInline(() -> onEvents(generation, etcdRevision, events));
			}

			@Override
			public void interrupted(String why) {
				MirrorFollower.this.executor.execute(() -> onInterrupted(generation, why));
			}

			@Override
			public void ended(String why) {
				MirrorFollower.this.executor.execute(() -> onEnded(generation, why));
			}

		});
		if (this.lane.isShutdown()) {
			// Closed while this listing ran: nobody will cancel a watch started after.
			closeWatch();
		}
	}

	void closeWatch() {
		this.watchGeneration++;
		if (this.watching != null) {
			this.watching.cancel();
			this.watching = null;
		}
	}

	/** Forgets the watch as if its events were lost (a test hook). */
	void dropWatch() {
		closeWatch();
		publishState();
	}

	private void onEvents(long generation, long etcdRevision, List<MirrorEvent> events) {
		if (generation != this.watchGeneration) {
			return;
		}
		if (etcdRevision > 0 && etcdRevision < this.revision) {
			// etcd lost its data and counts from 1 again: a watch resumed at our revision
			// would silently skip every event below it.
			String why = "etcd's revision went back from " + this.revision + " to " + etcdRevision + ": it lost its data";
			// Listing again blocks: on the mirror's own thread, never on the one that delivered this.
			this.executor.execute(() -> onEnded(generation, why));
			return;
		}
		this.confirmation.confirmed(etcdRevision);
		for (MirrorEvent event : events) {
			this.revision = Math.max(this.revision, event.entry().modRevision());
		}
		long applied = this.revision;
		tell(() -> this.listener.changed(applied, etcdRevision, events));
		publishState();
	}

	private void onInterrupted(long generation, String why) {
		if (generation != this.watchGeneration) {
			return;
		}
		this.lastError = why;
		this.confirmation.lost("the watch was interrupted: " + why);
		publishState();
	}

	private void onEnded(long generation, String why) {
		if (generation != this.watchGeneration) {
			return;
		}
		logger.info("etcd watch on " + this.prefix + " ended (" + why + "), listing again");
		this.confirmation.interrupted("the watch ended: " + why);
		closeWatch();
		resync();
	}

	/** A listener that throws must not make the mirror list again and again. */
	private void tell(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.error("The listener of the mirror of " + this.prefix + " failed", ex);
		}
	}

	private void publishState() {
		this.state = snapshot();
	}

	private MirrorState snapshot() {
		return new MirrorState(this.revision, this.confirmation.isConfirmed(), this.confirmation.notConfirmedSince(),
				this.confirmation.reason(), this.lastError, this.lastListed, this.watchGeneration,
				this.failedListings);
	}

}
