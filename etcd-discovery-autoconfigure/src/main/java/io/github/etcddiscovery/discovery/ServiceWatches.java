package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * {@code watch=per-service}: only the services this application looks up are held, each by
 * a {@link ServiceWatch} started on its first lookup. That lookup waits for the service's
 * first listing, at most the request timeout, so that it answers with the instances; when
 * etcd does not answer in time it answers empty and the mirror keeps trying in the
 * background, as the full mirror does. Later lookups read memory. {@code getServices()}
 * asks etcd, and answers from memory while it does not ({@link ServiceListing}).
 * <p>
 * A service found under no spelling of the id asked for is looked for once under its other
 * spellings (ids match ignoring case); {@code getServices()} adds spellings that appear
 * later to the services held.
 * <p>
 * A service nothing used for {@code release-unused-after} is released ({@link IdleRelease}):
 * its mirrors are closed and it is no longer held, and the next lookup starts it again as
 * the first did. A lookup marks the watch used before it reads whether it is ready; a release
 * marks it not ready before it reads the marks, under the watch's lock: so a lookup either
 * reads a watch that is still held, or starts a new one.
 */
final class ServiceWatches implements HeldView {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final ConcurrentHashMap<String, ServiceWatch> watches = new ConcurrentHashMap<>();

	/** Makes the mirror and view of one spelling, not started. */
	private final Function<String, ServiceWatch.Part> parts;

	private final ServiceListing listing;

	private final Duration requestTimeout;

	private final IdleRelease idleRelease;

	/** Where first lookups that must not block their caller wait for the first listing. */
	private final ExecutorService firstLookups = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "etcd-discovery-first-lookup");
		thread.setDaemon(true);
		return thread;
	});

	/** The highest revision of the watches released: what is held never seems to go back in time. */
	private volatile long releasedRevision;

	private volatile boolean closed;

	/**
	 * @param releaseUnusedAfter how long a service may go unused before it is released; zero for
	 * never
	 */
	ServiceWatches(Function<String, ServiceWatch.Part> parts, ServiceNames names, Duration requestTimeout,
			Duration releaseUnusedAfter) {
		this.parts = parts;
		this.listing = new ServiceListing(names, this::watchSpellings);
		this.requestTimeout = requestTimeout;
		this.idleRelease = new IdleRelease(releaseUnusedAfter, this.watches::values, this::release);
	}

	/** Checks that this user may read the prefix (see {@link ServiceListing#start()}): nothing is held yet. */
	@Override
	public void start() {
		this.listing.start();
	}

	@Override
	public void close() {
		this.closed = true;
		this.listing.close();
		this.idleRelease.close();
		this.firstLookups.shutdownNow();
		this.watches.values().forEach(ServiceWatch::close);
	}

	@Override
	public ServiceInstances lookup(String serviceId) {
		ServiceWatch watch = used(serviceId);
		if (watch != null) {
			return watch.answers();
		}
		if (!this.closed) {
			// The first listing's answer arrives on jetcd's event loop: waiting there cannot end.
			EtcdFutures.requireMayWait("The first lookup of " + serviceId);
		}
		return startWatching(serviceId).answers();
	}

	@Override
	public CompletionStage<ServiceInstances> lookupLater(String serviceId) {
		ServiceWatch watch = used(serviceId);
		if (watch != null || this.closed) {
			return CompletableFuture.completedFuture((watch != null) ? watch.answers() : ServiceInstances.NONE);
		}
		return CompletableFuture.supplyAsync(() -> startWatching(serviceId).answers(), this.firstLookups);
	}

	/**
	 * The watch of a service held, marked used first (see the class comment); null when it is
	 * not held, yet or any more.
	 */
	private @Nullable ServiceWatch used(String serviceId) {
		ServiceWatch watch = this.watches.get(ServiceView.canonical(serviceId));
		if (watch == null) {
			return null;
		}
		watch.use().touch();
		return watch.ready() ? watch : null;
	}

	@Override
	public ServiceInstances peek(String serviceId) {
		ServiceWatch watch = this.watches.get(ServiceView.canonical(serviceId));
		return (watch != null) ? watch.answers() : ServiceInstances.NONE;
	}

	@Override
	public ServiceUse use(String serviceId) {
		return this.idleRelease.use(ServiceView.canonical(serviceId));
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
		return this.listing.list(() -> !this.watches.isEmpty() && state().confirmed(), this::services);
	}

	/** Spellings etcd listed: those of a service held that it does not watch yet are watched too. */
	private void watchSpellings(List<String> spellings) {
		for (String spelling : spellings) {
			ServiceWatch watch = this.watches.get(ServiceView.canonical(spelling));
			if (watch != null && !watch.has(spelling)) {
				synchronized (watch) {
					if (!watch.released()) {
						watchSpelling(watch, spelling);
					}
				}
			}
		}
	}

	@Override
	public MirrorState state() {
		List<MirrorState> states = new ArrayList<>();
		this.watches.values().forEach((watch) -> states.addAll(watch.states()));
		return MirrorStates.atLeast(MirrorStates.aggregate(states), this.releasedRevision);
	}

	@Override
	public CompletionStage<Long> firstLoaded() {
		return this.listing.firstLoaded();
	}

	@Override
	public void dropWatchForTest() {
		this.watches.values().forEach((watch) -> watch.parts().forEach((part) -> part.mirror().dropWatchForTest()));
	}

	private ServiceWatch startWatching(String serviceId) {
		String canonical = ServiceView.canonical(serviceId);
		while (true) {
			ServiceWatch watch = this.watches.computeIfAbsent(canonical, ServiceWatch::new);
			synchronized (watch) {
				if (watch.released()) {
					// Released while this lookup waited for the lock: a new watch takes its place.
					this.watches.remove(canonical, watch);
					continue;
				}
				if (!watch.ready() && !this.closed) {
					watchSpelling(watch, serviceId);
					if (watch.instances().isEmpty() && MirrorStates.aggregate(watch.states()).confirmed()) {
						otherSpellings(watch);
					}
					watch.markReady();
				}
			}
			return watch;
		}
	}

	/**
	 * Stops holding a service {@link IdleRelease} found unused: checked again under the watch's
	 * lock after marking it not ready, so a lookup that came meanwhile keeps it.
	 */
	private void release(ServiceWatch watch) {
		synchronized (watch) {
			if (!watch.ready() || watch.released() || this.closed) {
				return;
			}
			watch.markUnready();
			if (this.idleRelease.inUse(watch)) {
				watch.markReady();
				return;
			}
			watch.markReleased();
			this.idleRelease.released(watch);
			this.releasedRevision = Math.max(this.releasedRevision, MirrorStates.aggregate(watch.states()).revision());
			this.watches.remove(watch.canonical(), watch);
		}
		watch.close();
		logger.debug("etcd discovery released " + watch.canonical() + ": not used for a while");
	}

	/** Nothing under the spelling asked for: one look for the service under another. */
	private void otherSpellings(ServiceWatch watch) {
		try {
			for (String spelling : this.listing.spellings()) {
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
			part.mirror().firstListing().thenAccept(this.listing.loaded()::complete);
		}
		catch (EtcdAccessException refusal) {
			// Refused (credentials, permissions): the next lookup tries again.
			watch.remove(part);
			logger.warn("etcd discovery cannot watch " + spelling + ": " + refusal.getMessage() + ". "
					+ refusal.getAction());
		}
	}

	/** The etcd key prefix of one spelling of a service. */
	static String prefixOf(String keyPrefix, String spelling) {
		return keyPrefix + spelling + "/";
	}

}
