package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code watch=per-service}: only the services this application looks up are held, each by
 * a {@link ServiceWatch} started on its first lookup. That lookup waits for the service's
 * first listing, at most the request timeout, so that it answers with the instances; when
 * etcd does not answer in time it answers empty and the mirror keeps trying in the
 * background, as the full mirror does. Later lookups read memory. {@code getServices()}
 * asks etcd ({@link ServiceNames}); once etcd has not answered it, later calls answer at
 * once from memory (the services last listed and those held) while one listing at a time
 * tries again in the background, so an outage costs one request timeout, not one per call
 * (each health check of {@code discoveryComposite} calls it).
 * <p>
 * A service found under no spelling of the id asked for is looked for once under its other
 * spellings (ids match ignoring case); {@code getServices()} adds spellings that appear
 * later to the services held.
 */
final class ServiceWatches implements HeldView {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final ConcurrentHashMap<String, ServiceWatch> watches = new ConcurrentHashMap<>();

	private final CompletableFuture<Long> firstLoaded = new CompletableFuture<>();

	/** Makes the mirror and view of one spelling, not started. */
	private final Function<String, ServiceWatch.Part> parts;

	private final ServiceNames names;

	private final Duration requestTimeout;

	private volatile boolean closed;

	/** The services etcd last listed: what {@code getServices()} answers while etcd is silent. */
	private volatile List<String> lastListed = List.of();

	private final AtomicBoolean namesUnanswered = new AtomicBoolean();

	private final AtomicBoolean namesRetrying = new AtomicBoolean();

	ServiceWatches(Function<String, ServiceWatch.Part> parts, ServiceNames names, Duration requestTimeout) {
		this.parts = parts;
		this.names = names;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Checks, with one count-only request, that this user may read the prefix; an etcd that
	 * does not answer is logged, and checked again with backoff until it answers, which
	 * completes {@link #firstLoaded()}: nothing is held yet.
	 */
	@Override
	public void start() {
		try {
			this.firstLoaded.complete(this.names.check());
		}
		catch (EtcdAccessException refusal) {
			if (refusal.isPermissionDenied()) {
				throw refusal;
			}
			logger.warn("etcd discovery (per-service) starts without etcd: " + refusal.getMessage());
			checkLater(0);
		}
		catch (RuntimeException ex) {
			logger.warn("etcd discovery (per-service) starts without etcd: " + ex.getMessage());
			checkLater(0);
		}
	}

	private void checkLater(int attempt) {
		long delay = Backoff.RETRY.delay(attempt).toMillis();
		CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
			if (this.closed || this.firstLoaded.isDone()) {
				return;
			}
			try {
				this.firstLoaded.complete(this.names.check());
			}
			catch (RuntimeException ex) {
				checkLater(attempt + 1);
			}
		});
	}

	@Override
	public void close() {
		this.closed = true;
		this.watches.values().forEach(ServiceWatch::close);
	}

	@Override
	public ServiceInstances lookup(String serviceId) {
		ServiceWatch watch = this.watches.get(ServiceView.canonical(serviceId));
		if (watch == null || !watch.ready()) {
			watch = startWatching(serviceId);
		}
		return watch.answers();
	}

	@Override
	public boolean holds(String serviceId) {
		ServiceWatch watch = this.watches.get(ServiceView.canonical(serviceId));
		return watch != null && watch.ready();
	}

	@Override
	public List<EtcdServiceInstance> instances(String serviceId) {
		ServiceWatch watch = this.watches.get(ServiceView.canonical(serviceId));
		return (watch != null) ? watch.instances() : List.of();
	}

	@Override
	public List<String> services() {
		Map<String, String> held = new TreeMap<>();
		for (ServiceWatch watch : this.watches.values()) {
			List<EtcdServiceInstance> instances = watch.instances();
			if (!instances.isEmpty()) {
				held.put(watch.canonical(), instances.get(0).getServiceId());
			}
		}
		return List.copyOf(held.values());
	}

	@Override
	public List<String> listServices() {
		// Silent at the last listing, and no watch held shows that it answers again.
		if (this.namesUnanswered.get() && (this.watches.isEmpty() || !state().confirmed())) {
			retryNamesInBackground();
			return known();
		}
		return listNow();
	}

	private List<String> listNow() {
		ServiceNames.Listed listed;
		try {
			listed = this.names.list();
		}
		catch (RuntimeException ex) {
			this.namesUnanswered.set(true);
			logger.debug("getServices() answers from memory: etcd did not answer: " + ex.getMessage());
			return known();
		}
		this.namesUnanswered.set(false);
		this.lastListed = listed.services();
		this.firstLoaded.complete(listed.revision());
		for (String spelling : listed.spellings()) {
			ServiceWatch watch = this.watches.get(ServiceView.canonical(spelling));
			if (watch != null && !watch.has(spelling)) {
				synchronized (watch) {
					watchSpelling(watch, spelling);
				}
			}
		}
		return listed.services();
	}

	private void retryNamesInBackground() {
		if (!this.closed && this.namesRetrying.compareAndSet(false, true)) {
			CompletableFuture.runAsync(() -> {
				try {
					listNow();
				}
				finally {
					this.namesRetrying.set(false);
				}
			});
		}
	}

	/** The services last listed and those held, one spelling per id ignoring case. */
	private List<String> known() {
		Map<String, String> byCanonical = new TreeMap<>();
		this.lastListed.forEach((service) -> byCanonical.putIfAbsent(ServiceView.canonical(service), service));
		services().forEach((service) -> byCanonical.putIfAbsent(ServiceView.canonical(service), service));
		return List.copyOf(byCanonical.values());
	}

	@Override
	public MirrorState state() {
		List<MirrorState> states = new ArrayList<>();
		this.watches.values().forEach((watch) -> states.addAll(watch.states()));
		return aggregate(states);
	}

	@Override
	public CompletionStage<Long> firstLoaded() {
		return this.firstLoaded.minimalCompletionStage();
	}

	@Override
	public void dropWatchForTest() {
		this.watches.values().forEach((watch) -> watch.parts().forEach((part) -> part.mirror().dropWatchForTest()));
	}

	private ServiceWatch startWatching(String serviceId) {
		ServiceWatch watch = this.watches.computeIfAbsent(ServiceView.canonical(serviceId), ServiceWatch::new);
		synchronized (watch) {
			if (!watch.ready() && !this.closed) {
				watchSpelling(watch, serviceId);
				if (watch.instances().isEmpty() && aggregate(watch.states()).confirmed()) {
					otherSpellings(watch);
				}
				watch.markReady();
			}
		}
		return watch;
	}

	/** Nothing under the spelling asked for: one look for the service under another. */
	private void otherSpellings(ServiceWatch watch) {
		try {
			for (String spelling : this.names.list().spellings()) {
				if (ServiceView.canonical(spelling).equals(watch.canonical())) {
					watchSpelling(watch, spelling);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not look for other spellings of " + watch.canonical() + ": " + ex.getMessage());
		}
	}

	/** Under the watch's lock: starts a mirror of the spelling, waiting for its first listing. */
	private void watchSpelling(ServiceWatch watch, String spelling) {
		if (watch.has(spelling)) {
			return;
		}
		ServiceWatch.Part part = this.parts.apply(spelling);
		watch.add(part);
		try {
			part.mirror().start(this.requestTimeout);
			part.mirror().firstListing().thenAccept(this.firstLoaded::complete);
		}
		catch (EtcdAccessException refusal) {
			// Refused (credentials, permissions): the next lookup tries again.
			watch.remove(part);
			logger.warn("etcd discovery cannot watch " + spelling + ": " + refusal.getMessage() + ". "
					+ refusal.getAction());
		}
	}

	/**
	 * The state of all mirrors as one: confirmed only if every mirror is (and when there is
	 * none, as nothing needs following); the latest revision applied; the oldest episode of
	 * not being confirmed, with its reason.
	 */
	static MirrorState aggregate(List<MirrorState> states) {
		long revision = 0;
		boolean confirmed = true;
		Instant notConfirmedSince = null;
		String reason = null;
		String lastError = null;
		Instant lastListed = null;
		long generations = 0;
		int failedListings = 0;
		for (MirrorState state : states) {
			revision = Math.max(revision, state.revision());
			generations += state.watchGeneration();
			failedListings = Math.max(failedListings, state.failedListings());
			if (state.lastError() != null) {
				lastError = state.lastError();
			}
			if (state.lastListed() != null && (lastListed == null || state.lastListed().isAfter(lastListed))) {
				lastListed = state.lastListed();
			}
			if (!state.confirmed()) {
				confirmed = false;
				Instant since = state.notConfirmedSince();
				if (notConfirmedSince == null || (since != null && since.isBefore(notConfirmedSince))) {
					notConfirmedSince = since;
					reason = state.notConfirmedReason();
				}
			}
		}
		return new MirrorState(revision, confirmed, notConfirmedSince, reason, lastError, lastListed, generations,
				failedListings);
	}

	/** The etcd key prefix of one spelling of a service. */
	static String prefixOf(String keyPrefix, String spelling) {
		return keyPrefix + spelling + "/";
	}

}
