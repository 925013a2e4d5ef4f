package io.github.etcddiscovery.mirror;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Every key under one etcd prefix, followed: the generic half of a watch-backed cache, as
 * {@code LeasedKey} is of a registration. It knows nothing of what the keys mean; one
 * {@link MirrorListener} gets "replace all at revision R" and "events at revision R".
 * <p>
 * It lists the prefix (page by page, at one revision) and then watches from the next
 * revision. A watch that ends for good (compaction, no leader, ...) or a revision that went
 * backwards (an etcd that lost its data) makes it list again, which replaces everything; a
 * listing that fails is retried with backoff. Every resync interval a cheap
 * {@link DriftCheck} lists again if the listener holds other keys than etcd did at the
 * revision applied. Everything runs one task at a time on a {@link SerialExecutor} over a
 * thread of its own: listings and checks, which wait on etcd, on that thread; watch events,
 * which never do, on the thread that delivered them when the mirror is idle, so that a change
 * reaches the listener without a hand-off. Readers get an immutable {@link MirrorState}.
 */
public final class PrefixMirror implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PrefixMirror.class);

	private final PrefixSource source;

	private final MirrorListener listener;

	private final MirrorSettings settings;

	private final String prefix;

	private final ScheduledExecutorService thread;

	private final SerialExecutor executor;

	private final Confirmation confirmation;

	private final DriftCheck driftCheck;

	private final CompletableFuture<Long> firstListing = new CompletableFuture<>();

	private volatile MirrorState state;

	private volatile @Nullable EtcdAccessException refused;

	// Guarded by this: the first listing, and whether a caller waited for it.
	private @Nullable Future<?> first;

	private boolean started;

	// Executor-confined.
	private long revision;

	private @Nullable Instant lastListed;

	private @Nullable String lastError;

	private PrefixSource.@Nullable Watching watching;

	private long watchGeneration;

	private int failedListings;

	private @Nullable ScheduledFuture<?> pendingResync;

	public PrefixMirror(PrefixSource source, MirrorListener listener, MirrorSettings settings) {
		this.source = source;
		this.listener = listener;
		this.settings = settings;
		this.prefix = source.prefix();
		this.confirmation = new Confirmation(logger, settings.name() + " under " + this.prefix, settings.clock());
		this.driftCheck = new DriftCheck(source, listener, settings.name());
		this.thread = Executors.newSingleThreadScheduledExecutor(threads(settings.threadPrefix()));
		this.executor = new SerialExecutor(this.thread);
		this.state = snapshot();
	}

	/**
	 * Lists the prefix and follows it from then on, waiting at most {@code wait} for the first
	 * listing: {@link #begin()} then {@link #awaitStart(Duration)}.
	 * @throws EtcdAccessException when etcd refused the listing (credentials, permissions),
	 * since retrying would not help; the mirror is then stopped
	 */
	public void start(Duration wait) {
		begin();
		awaitStart(wait);
	}

	/**
	 * Starts the first listing on the mirror's thread and returns at once, so that the
	 * connection to etcd and the listing overlap whatever the caller does next.
	 */
	public synchronized void begin() {
		if (this.first == null) {
			this.first = CompletableFuture.runAsync(this::resync, this.executor);
		}
	}

	/**
	 * Waits at most {@code wait} for the first listing {@link #begin() begun} earlier (begins
	 * it if it was not): when etcd does not answer in time the mirror goes on empty and fills
	 * in as soon as it does. Only the first call waits.
	 * @throws EtcdAccessException when etcd refused the listing (credentials, permissions),
	 * since retrying would not help; the mirror is then stopped
	 */
	public synchronized void awaitStart(Duration wait) {
		if (this.started) {
			return;
		}
		begin();
		try {
			this.first.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn(this.settings.name() + " starts empty, filled in as soon as etcd answers: " + ex);
		}
		this.started = true;
		EtcdAccessException refusal = this.refused;
		if (refusal != null) {
			this.thread.shutdownNow();
			throw refusal;
		}
		long interval = this.settings.resyncInterval().toMillis();
		this.thread.scheduleWithFixedDelay(() -> this.executor.execute(this::checkForDrift), interval, interval,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		if (this.thread.isShutdown()) {
			return;
		}
		Future<?> stopped = CompletableFuture.runAsync(this::closeWatch, this.executor);
		try {
			stopped.get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Closing a watch does not talk to etcd; nothing left to wait for.
		}
		this.thread.shutdownNow();
	}

	/** How the mirror follows etcd right now. */
	public MirrorState state() {
		return this.state;
	}

	/** Completes with the revision of the first listing, once its listener has applied it. */
	public CompletionStage<Long> firstListing() {
		return this.firstListing.minimalCompletionStage();
	}

	/** Runs the periodic check now, on the mirror's thread (for tests and benchmarks). */
	public Future<?> checkNow() {
		return CompletableFuture.runAsync(this::checkForDrift, this.executor);
	}

	/** Test hook: forgets the watch as if its events were lost, without listing again. */
	public void dropWatchForTest() {
		this.executor.execute(() -> {
			closeWatch();
			publishState();
		});
	}

	// ---- executor-confined ----

	private void resync() {
		this.pendingResync = null;
		closeWatch();
		try {
			List<MirrorEntry> entries = new ArrayList<>();
			long listedAt = listInto(entries);
			this.revision = listedAt;
			this.lastListed = this.settings.clock().instant();
			watchFrom(listedAt + 1);
			this.confirmation.confirmed(listedAt);
			this.lastError = null;
			this.refused = null;
			this.failedListings = 0;
			publishState();
			tell(() -> this.listener.replaced(listedAt, entries));
			this.firstListing.complete(listedAt);
		}
		catch (RuntimeException ex) {
			this.lastError = ex.getMessage();
			this.refused = (ex instanceof EtcdAccessException refusal) ? refusal : null;
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

	private void checkForDrift() {
		if (!this.confirmation.isConfirmed() || this.pendingResync != null) {
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
		if (this.pendingResync == null && !this.thread.isShutdown()) {
			Duration delay = this.settings.backoff().delay(this.failedListings++);
			this.pendingResync = this.thread.schedule(() -> this.executor.execute(this::resync), delay.toMillis(),
					TimeUnit.MILLISECONDS);
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
				PrefixMirror.this.executor.executeInline(() -> onEvents(generation, etcdRevision, events));
			}

			@Override
			public void interrupted(String why) {
				PrefixMirror.this.executor.execute(() -> onInterrupted(generation, why));
			}

			@Override
			public void ended(String why) {
				PrefixMirror.this.executor.execute(() -> onEnded(generation, why));
			}

		});
	}

	private void closeWatch() {
		this.watchGeneration++;
		if (this.watching != null) {
			this.watching.cancel();
			this.watching = null;
		}
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
		publishState();
		long applied = this.revision;
		tell(() -> this.listener.changed(applied, etcdRevision, events));
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

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
