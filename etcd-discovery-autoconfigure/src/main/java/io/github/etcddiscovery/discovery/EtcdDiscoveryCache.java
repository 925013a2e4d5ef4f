package io.github.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.client.EtcdWatchErrors;
import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.client.Backoff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The local view of every instance under the prefix, kept current by an etcd watch, so that
 * lookups never touch the network.
 * <p>
 * On start it lists the prefix (page by page, at one revision) and then watches from the next
 * revision with previous values, applying events idempotently by key. A watch that ends for
 * good (compaction, no leader, ...) triggers a fresh list that replaces the view, emitting
 * exactly the differences. Everything that changes the view runs on one thread of our own;
 * readers get immutable snapshots.
 */
public class EtcdDiscoveryCache implements InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private static final int PAGE_SIZE = 500;

	private static final Backoff RESYNC_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1500));

	private final Client client;

	private final EtcdProperties etcdProperties;

	private final EtcdKeyspace keyspace;

	private final EtcdInstanceCodec codec;

	private final ByteSequence prefix;

	private final ByteSequence prefixEnd;

	private final Duration resyncInterval;

	private final ScheduledExecutorService executor;

	private final List<ServiceChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final List<EtcdViewObserver> observers = new CopyOnWriteArrayList<>();

	private volatile Map<String, List<EtcdServiceInstance>> view = Map.of();

	private volatile Map<String, String> serviceNames = Map.of();

	private final ViewConfirmation confirmation;

	private volatile long revision;

	/** The etcd revision at which the last drift check saw changes the view had not applied; 0 if none. */
	private long unseenAt;

	private volatile @Nullable Instant lastSync;

	private volatile @Nullable String lastError;

	private volatile @Nullable EtcdAccessException refused;

	private final CompletableFuture<Long> firstView = new CompletableFuture<>();

	// Executor-confined.
	private final Map<String, TreeMap<String, EtcdServiceInstance>> byService = new HashMap<>();

	private final Map<String, String> serviceOfKey = new HashMap<>();

	private final Set<String> badKeys = new HashSet<>();

	private Watch.@Nullable Watcher watcher;

	private long watchGeneration;

	private int failedResyncs;

	private @Nullable ScheduledFuture<?> pendingResync;

	public EtcdDiscoveryCache(Client client, EtcdProperties etcdProperties, EtcdDiscoveryProperties properties,
			EtcdKeyspace keyspace) {
		this.client = client;
		this.etcdProperties = etcdProperties;
		this.keyspace = keyspace;
		this.codec = keyspace.codec();
		this.prefix = bytes(this.codec.keyPrefix());
		this.prefixEnd = OptionsUtil.prefixEndOf(this.prefix);
		this.resyncInterval = properties.getResyncInterval();
		this.confirmation = new ViewConfirmation(this.codec.keyPrefix(), Clock.systemUTC());
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-discovery-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadScheduledExecutor(threads);
	}

	/**
	 * Loads the view before the application uses it. When etcd does not answer within the
	 * request timeout, startup goes on with an empty view that fills in as soon as it does;
	 * when etcd answers that this user may not read the prefix, startup fails, since
	 * discovery would never work.
	 */
	@Override
	public void afterPropertiesSet() {
		Future<?> first = this.executor.submit(this::resync);
		try {
			first.get(this.etcdProperties.getRequestTimeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("etcd discovery starts with an empty view: " + ex);
		}
		EtcdAccessException refusal = this.refused;
		if (refusal != null) {
			this.executor.shutdownNow();
			String action = !refusal.isPermissionDenied() ? refusal.getAction()
					: "Grant the etcd user's role read on the discovery prefix: " + this.keyspace.readGrant()
							+ " . See the Security section of the etcd-discovery README.";
			throw new EtcdAccessException("etcd discovery cannot read " + this.codec.keyPrefix() + ": "
					+ refusal.getMessage(), action, refusal);
		}
		long interval = this.resyncInterval.toMillis();
		this.executor.scheduleWithFixedDelay(this::checkForDrift, interval, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public void destroy() {
		Future<?> stopped = this.executor.submit(this::closeWatcher);
		try {
			stopped.get(1, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Closing a watcher does not talk to etcd; nothing left to wait for.
		}
		this.executor.shutdownNow();
	}

	/** All instances of a service, whatever their status; service ids match ignoring case. */
	public List<EtcdServiceInstance> instances(String serviceId) {
		return this.view.getOrDefault(canonical(serviceId), List.of());
	}

	/** Ids of the services that have at least one instance. */
	public List<String> services() {
		return List.copyOf(this.serviceNames.values());
	}

	public void addListener(ServiceChangeListener listener) {
		this.listeners.add(listener);
	}

	public void removeListener(ServiceChangeListener listener) {
		this.listeners.remove(listener);
	}

	/** Told how the view follows etcd from now on. */
	public void addObserver(EtcdViewObserver observer) {
		this.observers.add(observer);
	}

	/**
	 * Whether the view is known to follow etcd right now: confirmed by a member that has a
	 * leader.
	 */
	public boolean isConnected() {
		return this.confirmation.isConfirmed();
	}

	/** Since when the view has not been confirmed by a member with a leader; null while it is. */
	public @Nullable Instant getNotConfirmedSince() {
		return this.confirmation.notConfirmedSince();
	}

	/** Why the view is not confirmed right now; null while it is. */
	public @Nullable String getNotConfirmedReason() {
		return this.confirmation.reason();
	}

	/** The etcd revision the view reflects. */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * Completes with the revision of the first view listed from etcd: at once when etcd
	 * answered during startup, otherwise as soon as it does.
	 */
	public CompletionStage<Long> firstViewLoaded() {
		return this.firstView.minimalCompletionStage();
	}

	public @Nullable Instant getLastSync() {
		return this.lastSync;
	}

	public @Nullable String getLastError() {
		return this.lastError;
	}

	// ---- executor-confined ----

	private void resync() {
		this.pendingResync = null;
		closeWatcher();
		try {
			Map<String, EtcdServiceInstance> fresh = new HashMap<>();
			Set<String> listedKeys = new HashSet<>();
			long listedAt = listInto(fresh, listedKeys);
			Set<String> changed = replaceAll(fresh);
			this.badKeys.retainAll(listedKeys);
			this.revision = listedAt;
			this.lastSync = Instant.now();
			watchFrom(listedAt + 1);
			this.confirmation.confirmed(listedAt);
			this.lastError = null;
			this.refused = null;
			this.failedResyncs = 0;
			this.observers.forEach(observer -> observer.listed(listedAt));
			publish(changed);
			this.firstView.complete(listedAt);
		}
		catch (RuntimeException ex) {
			this.lastError = ex.getMessage();
			this.refused = (ex instanceof EtcdAccessException refusal) ? refusal : null;
			this.confirmation.lost("cannot list " + this.codec.keyPrefix() + ": " + ex.getMessage());
			resyncLater();
		}
	}

	/**
	 * The safety net against lost events. Two small requests: how many keys were under the
	 * prefix at the revision the view has applied (count only, so it compares like with
	 * like), and whether any key changed after it (keys only, at most one returned; etcd
	 * computes a count before applying revision filters, so a count cannot answer that).
	 * Changes after the view's revision are normally events on their way: they count as lost
	 * only when the next check finds the view still short of the revision they were seen at.
	 * Only a disagreement lists again; a view whose revision etcd has compacted away cannot be
	 * checked, so it is listed again too.
	 */
	private void checkForDrift() {
		if (!isConnected() || this.pendingResync != null) {
			return;
		}
		long applied = this.revision;
		try {
			GetResponse newer = get(GetOption.builder()
				.withRange(this.prefixEnd)
				.withKeysOnly(true)
				.withLimit(1)
				.withMinModRevision(applied + 1)
				.build());
			long now = newer.getHeader().getRevision();
			if (wentBackInTime(now)) {
				logger.info("etcd's revision went back from " + this.revision + " to " + now
						+ ": it lost its data, listing again");
				resync();
				return;
			}
			long actual = countAt(applied);
			boolean lost = this.unseenAt > 0 && applied < this.unseenAt;
			this.unseenAt = (!newer.getKvs().isEmpty() && !lost) ? now : 0;
			long known = this.serviceOfKey.size() + this.badKeys.size();
			boolean drifted = actual != known || lost;
			this.observers.forEach(observer -> observer.driftChecked(now, drifted));
			if (drifted) {
				logger.info("etcd discovery view drifted from etcd (" + known + " keys known, "
						+ ((actual >= 0) ? actual + " in etcd" : "its revision " + applied + " compacted")
						+ " at revision " + applied + ", changes unseen: " + lost + "), listing again");
				this.unseenAt = 0;
				resync();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("etcd discovery drift check failed: " + ex.getMessage());
		}
	}

	/** How many keys were under the prefix at a revision; -1 when etcd compacted it away. */
	private long countAt(long revision) {
		try {
			return get(GetOption.builder().withRange(this.prefixEnd).withCountOnly(true).withRevision(revision).build())
				.getCount();
		}
		catch (RuntimeException ex) {
			if (String.valueOf(ex.getMessage()).contains("compacted")) {
				return -1;
			}
			throw ex;
		}
	}

	/**
	 * An etcd that lost its data counts revisions from 1 again, and a watch resumed at our
	 * old revision would silently skip every event below it.
	 */
	private boolean wentBackInTime(long headerRevision) {
		return headerRevision > 0 && headerRevision < this.revision;
	}

	private GetResponse get(GetOption option) {
		return EtcdFutures.await(this.client.getKVClient().get(this.prefix, option),
				this.etcdProperties.getRequestTimeout(), "Checking " + this.codec.keyPrefix());
	}

	/** Test hook: forget the watch as if its events were lost, without listing again. */
	void dropWatchForTest() {
		this.executor.execute(this::closeWatcher);
	}

	private void resyncLater() {
		if (this.pendingResync == null && !this.executor.isShutdown()) {
			Duration delay = RESYNC_BACKOFF.delay(this.failedResyncs++);
			this.pendingResync = this.executor.schedule(this::resync, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/** Reads every key under the prefix at one revision, and returns that revision. */
	private long listInto(Map<String, EtcdServiceInstance> into, Set<String> listedKeys) {
		ByteSequence from = this.prefix;
		long atRevision = 0;
		while (true) {
			GetOption option = GetOption.builder()
				.withRange(this.prefixEnd)
				.withLimit(PAGE_SIZE)
				.withSortField(GetOption.SortTarget.KEY)
				.withSortOrder(GetOption.SortOrder.ASCEND)
				.withRevision(atRevision)
				.build();
			GetResponse page = EtcdFutures.await(this.client.getKVClient().get(from, option),
					this.etcdProperties.getRequestTimeout(), "Listing " + this.codec.keyPrefix());
			if (atRevision == 0) {
				atRevision = page.getHeader().getRevision();
			}
			for (KeyValue kv : page.getKvs()) {
				String key = kv.getKey().toString(StandardCharsets.UTF_8);
				listedKeys.add(key);
				EtcdServiceInstance instance = decode(key, kv.getValue().getBytes());
				if (instance != null) {
					into.put(key, instance);
				}
			}
			if (!page.isMore() || page.getKvs().isEmpty()) {
				return atRevision;
			}
			byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
			byte[] next = new byte[last.length + 1];
			System.arraycopy(last, 0, next, 0, last.length);
			from = ByteSequence.from(next);
		}
	}

	/**
	 * Watches with require-leader: a member that loses its leader ends the watch (with "no
	 * leader", after a few election timeouts) instead of silently sending nothing, and a
	 * member without a leader refuses it at once; either way we list again, and the next
	 * listing and watch go to the next endpoint (see {@code EtcdClientFactory}).
	 */
	private void watchFrom(long fromRevision) {
		long generation = ++this.watchGeneration;
		WatchOption option = WatchOption.builder()
			.withPrefix(this.prefix)
			.withRevision(fromRevision)
			.withPrevKV(true)
			.withCreateNotify(true)
			.withRequireLeader(true)
			.build();
		this.watcher = this.client.getWatchClient()
			.watch(this.prefix, option,
					Watch.listener(response -> this.executor.execute(() -> onWatch(generation, response)),
							error -> this.executor.execute(() -> onWatchError(generation, error)),
							() -> this.executor.execute(() -> onWatchEnded(generation, "the watch completed"))));
	}

	private void closeWatcher() {
		this.watchGeneration++;
		if (this.watcher != null) {
			this.watcher.close();
			this.watcher = null;
		}
	}

	private void onWatch(long generation, WatchResponse response) {
		if (generation != this.watchGeneration) {
			return;
		}
		if (wentBackInTime(response.getHeader().getRevision())) {
			onWatchEnded(generation, "etcd's revision went back from " + this.revision + " to "
					+ response.getHeader().getRevision() + ": it lost its data");
			return;
		}
		this.confirmation.confirmed(response.getHeader().getRevision());
		Set<String> changed = new LinkedHashSet<>();
		for (WatchEvent event : response.getEvents()) {
			KeyValue kv = event.getKeyValue();
			String key = kv.getKey().toString(StandardCharsets.UTF_8);
			if (event.getEventType() == WatchEvent.EventType.PUT) {
				EtcdServiceInstance instance = decode(key, kv.getValue().getBytes());
				changed.addAll((instance != null) ? upsert(key, instance) : remove(key));
			}
			else if (event.getEventType() == WatchEvent.EventType.DELETE) {
				this.badKeys.remove(key);
				changed.addAll(remove(key));
			}
			this.revision = Math.max(this.revision, kv.getModRevision());
		}
		this.observers.forEach(observer -> observer.eventsApplied(response.getEvents().size(),
				response.getHeader().getRevision()));
		publish(changed);
	}

	private void onWatchError(long generation, Throwable error) {
		if (generation != this.watchGeneration) {
			return;
		}
		if (EtcdWatchErrors.endsTheWatch(error)) {
			onWatchEnded(generation, error.getMessage());
		}
		else {
			// jetcd resumes the watch from its last revision by itself.
			this.lastError = error.getMessage();
			this.confirmation.lost("the watch was interrupted: " + error.getMessage());
		}
	}

	private void onWatchEnded(long generation, @Nullable String why) {
		if (generation != this.watchGeneration) {
			return;
		}
		logger.info("etcd watch on " + this.codec.keyPrefix() + " ended (" + why + "), listing again");
		this.confirmation.interrupted("the watch ended: " + why);
		closeWatcher();
		resync();
	}

	private @Nullable EtcdServiceInstance decode(String key, byte[] value) {
		EtcdInstanceCodec.Decoded decoded = this.codec.decode(key, value);
		if (decoded.isValid()) {
			this.badKeys.remove(key);
			return decoded.instance();
		}
		if (this.badKeys.add(key)) {
			logger.warn("Skipping etcd key '" + abbreviate(key) + "' in discovery: " + decoded.problem());
		}
		return null;
	}

	private Set<String> upsert(String key, EtcdServiceInstance instance) {
		String service = canonical(instance.getServiceId());
		EtcdServiceInstance previous = this.byService.computeIfAbsent(service, s -> new TreeMap<>()).put(key, instance);
		this.serviceOfKey.put(key, service);
		return instance.equals(previous) ? Set.of() : Set.of(service);
	}

	private Set<String> remove(String key) {
		String service = this.serviceOfKey.remove(key);
		if (service == null) {
			return Set.of();
		}
		TreeMap<String, EtcdServiceInstance> instances = this.byService.get(service);
		instances.remove(key);
		if (instances.isEmpty()) {
			this.byService.remove(service);
		}
		return Set.of(service);
	}

	/** Replaces the whole view with a fresh listing; returns the services that differ. */
	private Set<String> replaceAll(Map<String, EtcdServiceInstance> fresh) {
		Set<String> changed = new LinkedHashSet<>();
		for (String key : new ArrayList<>(this.serviceOfKey.keySet())) {
			if (!fresh.containsKey(key)) {
				changed.addAll(remove(key));
			}
		}
		fresh.forEach((key, instance) -> changed.addAll(upsert(key, instance)));
		return changed;
	}

	/** Publishes new snapshots for the changed services, then tells the listeners. */
	private void publish(Set<String> changed) {
		if (changed.isEmpty()) {
			return;
		}
		Map<String, List<EtcdServiceInstance>> nextView = new HashMap<>(this.view);
		Map<String, String> nextNames = new TreeMap<>(this.serviceNames);
		for (String service : changed) {
			TreeMap<String, EtcdServiceInstance> instances = this.byService.get(service);
			if (instances == null) {
				nextView.remove(service);
				nextNames.remove(service);
			}
			else {
				List<EtcdServiceInstance> list = List.copyOf(instances.values());
				nextView.put(service, list);
				nextNames.put(service, list.get(0).getServiceId());
			}
		}
		this.view = Collections.unmodifiableMap(nextView);
		this.serviceNames = Collections.unmodifiableMap(nextNames);
		Set<String> unmodifiable = Collections.unmodifiableSet(changed);
		for (ServiceChangeListener listener : this.listeners) {
			try {
				listener.servicesChanged(unmodifiable);
			}
			catch (RuntimeException ex) {
				logger.warn("Discovery change listener " + listener + " failed", ex);
			}
		}
	}

	/** The form in which service ids are kept and told to listeners: ids match ignoring case. */
	public static String canonical(String serviceId) {
		return serviceId.toLowerCase(Locale.ROOT);
	}

	private static String abbreviate(String key) {
		return key.length() <= 200 ? key : key.substring(0, 200) + "...";
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * Told, on the cache's own thread, which services changed (ids in lower case).
	 */
	@FunctionalInterface
	public interface ServiceChangeListener {

		void servicesChanged(Set<String> serviceIds);

	}

}
