package io.github.etcddiscovery.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcddiscovery.client.EtcdWatchErrors;
import io.github.etcddiscovery.client.Backoff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Pushes changes of the contexts in use to the running application as Spring Cloud's
 * {@link RefreshEvent}, which refreshes {@code @RefreshScope} beans and rebinds
 * {@code @ConfigurationProperties}.
 * <p>
 * A watch per context (so that a role granting read on just those contexts is enough) only
 * says that something changed after the snapshot's revision. The snapshot itself is always
 * read whole at one revision ({@link EtcdConfigReader}), and reads asked for while one is
 * pending are one read: the keys one transaction wrote give one snapshot and one refresh,
 * never a half-applied mix. A watch that ends (compaction, ...) or an etcd whose revision went
 * backwards (it lost its data) means a fresh read and new watches. While etcd cannot be read
 * the last good snapshot stays in place (and health says so); reads are retried with backoff,
 * so changes made meanwhile arrive once etcd answers. Everything runs on one thread of ours.
 */
public class EtcdConfigWatch implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdConfigWatch.class);

	private final EtcdConfigState state;

	private final ApplicationEventPublisher publisher;

	private final ScheduledExecutorService executor;

	private volatile boolean following;

	private volatile @Nullable String lastError;

	private volatile @Nullable Instant lastRefresh;

	private volatile long refreshes;

	// Executor-confined.
	private final List<Watch.Watcher> watchers = new ArrayList<>();

	private long generation;

	private boolean started;

	private boolean readPending;

	private int failures;

	private @Nullable ScheduledFuture<?> retry;

	public EtcdConfigWatch(EtcdConfigState state, ApplicationEventPublisher publisher) {
		this.state = state;
		this.publisher = publisher;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-config-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadScheduledExecutor(threads);
	}

	/**
	 * Spring Cloud ignores refresh events before the application is ready, so the watch starts
	 * then, with a read that catches up with anything written since the configuration was loaded.
	 */
	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (event.getApplicationContext().getBeanFactory().containsSingleton(EtcdConfigState.BEAN_NAME)) {
			this.executor.execute(() -> {
				if (!this.started) {
					this.started = true;
					read();
				}
			});
		}
	}

	@Override
	public void destroy() {
		try {
			this.executor.submit(this::closeWatchers).get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Closing watchers does not talk to etcd; nothing left to wait for.
		}
		this.executor.shutdownNow();
	}

	/** Whether the configuration is known to follow etcd right now. */
	public boolean isFollowing() {
		return this.following;
	}

	public @Nullable String getLastError() {
		return this.lastError;
	}

	public @Nullable Instant getLastRefresh() {
		return this.lastRefresh;
	}

	/** How many refreshes the watch caused. */
	public long getRefreshes() {
		return this.refreshes;
	}

	public EtcdConfigSnapshot getSnapshot() {
		return this.state.snapshot();
	}

	public List<String> getContexts() {
		return this.state.contexts();
	}

	// ---- executor-confined ----

	private void read() {
		this.readPending = false;
		if (this.retry != null) {
			this.retry.cancel(false);
			this.retry = null;
		}
		EtcdConfigSnapshot current = this.state.snapshot();
		EtcdConfigSnapshot next;
		try {
			next = this.state.reader().read();
		}
		catch (RuntimeException ex) {
			this.following = false;
			this.lastError = ex.getMessage();
			if (this.failures == 0) {
				logger.warn("etcd configuration cannot be read (" + ex.getMessage() + "); keeping the last good "
						+ "configuration" + (current.isLoaded() ? " (revision " + current.revision() + ")" : "")
						+ " until etcd answers");
			}
			retryLater();
			return;
		}
		boolean wentBack = current.isLoaded() && next.revision() < current.revision();
		if (wentBack) {
			logger.info("etcd's revision went back from " + current.revision() + " to " + next.revision()
					+ ": it lost its data, the configuration was read again");
		}
		if (this.failures > 0) {
			logger.info("etcd configuration follows etcd again at revision " + next.revision());
		}
		this.failures = 0;
		this.following = true;
		this.lastError = null;
		if (this.watchers.isEmpty() || wentBack) {
			watchFrom(next.revision() + 1);
		}
		this.state.update(next);
		if (!next.sameProperties(current)) {
			refresh(next);
		}
	}

	private void refresh(EtcdConfigSnapshot snapshot) {
		logger.info("etcd configuration changed at revision " + snapshot.revision() + ", refreshing");
		try {
			this.publisher.publishEvent(new RefreshEvent(this, snapshot.revision(),
					"etcd configuration changed at revision " + snapshot.revision()));
			this.refreshes++;
			this.lastRefresh = Instant.now();
		}
		catch (RuntimeException ex) {
			logger.warn("Refreshing the application after an etcd configuration change failed", ex);
		}
	}

	private void readSoon() {
		if (!this.readPending && !this.executor.isShutdown()) {
			this.readPending = true;
			this.executor.execute(this::read);
		}
	}

	private void retryLater() {
		if (this.retry == null && !this.executor.isShutdown()) {
			Duration delay = Backoff.RETRY.delay(this.failures++);
			this.retry = this.executor.schedule(this::read, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void watchFrom(long revision) {
		closeWatchers();
		long watchGeneration = this.generation;
		EtcdConfigCodec codec = new EtcdConfigCodec(this.state.resource().config().getFormat(),
				this.state.resource().config().getDataKey());
		for (String context : this.state.contexts()) {
			String documentKey = codec.documentKey(context);
			ByteSequence key = bytes((documentKey != null) ? documentKey : context);
			WatchOption.Builder option = WatchOption.builder().withRevision(revision);
			if (documentKey == null) {
				option.withPrefix(key);
			}
			this.watchers.add(this.state.client()
				.getWatchClient()
				.watch(key, option.build(),
						Watch.listener(response -> this.executor.execute(() -> onWatch(watchGeneration, response)),
								error -> this.executor.execute(() -> onWatchError(watchGeneration, error)),
								() -> this.executor.execute(() -> onWatchEnded(watchGeneration)))));
		}
	}

	private void closeWatchers() {
		this.generation++;
		this.watchers.forEach(Watch.Watcher::close);
		this.watchers.clear();
	}

	private void onWatch(long watchGeneration, WatchResponse response) {
		if (watchGeneration != this.generation) {
			return;
		}
		long seen = this.state.snapshot().revision();
		long headerRevision = response.getHeader().getRevision();
		if (headerRevision > 0 && headerRevision < seen) {
			closeWatchers();
			readSoon();
			return;
		}
		for (WatchEvent event : response.getEvents()) {
			if (event.getKeyValue().getModRevision() > seen) {
				readSoon();
				return;
			}
		}
	}

	private void onWatchError(long watchGeneration, Throwable error) {
		if (watchGeneration != this.generation) {
			return;
		}
		this.following = false;
		this.lastError = error.getMessage();
		if (EtcdWatchErrors.endsTheWatch(error)) {
			logger.info("etcd configuration watch ended (" + error.getMessage() + "), reading again");
			closeWatchers();
			readSoon();
		}
		else {
			// jetcd resumes the watch by itself; reading until etcd answers tells when it is back.
			retryLater();
		}
	}

	private void onWatchEnded(long watchGeneration) {
		if (watchGeneration == this.generation) {
			closeWatchers();
			readSoon();
		}
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
