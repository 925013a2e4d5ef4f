package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.EtcdPrefixSource;
import io.github.etcddiscovery.mirror.MirrorSettings;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.MirrorThreads;
import io.github.etcddiscovery.mirror.PrefixMirror;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The local view of the instances this application discovers, kept current by etcd
 * watches, so that lookups never touch the network: the bean that the discovery clients,
 * the load balancer, health, metrics and the actuator read.
 * <p>
 * What it holds depends on {@code spring.cloud.etcd.discovery.watch}: with {@code all}, a
 * {@link PrefixMirror} of the whole prefix ({@link FullView}); with {@code per-service}, one
 * mirror per service from its first {@link #lookup lookup} on ({@link ServiceWatches}). A
 * mirror lists its prefix, watches it, lists again when a watch ends or drifts, and knows
 * nothing of services; a {@link ServiceView} decodes what it is given, indexes it and hands
 * out immutable snapshots. Each changes only through its mirror's serial executor, one task at
 * a time (see {@link PrefixMirror}); all mirrors of the cache share a few {@link MirrorThreads},
 * which the cache closes with itself. Listeners and observers are told by every view.
 */
public class EtcdDiscoveryCache implements InitializingBean, SmartInitializingSingleton, DisposableBean {

	/** The name of the mirrors' threads, to which a number is appended. */
	static final String THREADS = "etcd-discovery-";

	/**
	 * How many threads the per-service mirrors share, however many services are held: each
	 * applies its events on jetcd's thread when idle, so these only list and check, and while
	 * etcd is slow at most this many listings wait on it at once (each at most the request
	 * timeout) while the others queue behind them.
	 */
	private static final int PER_SERVICE_THREADS = 2;

	private final String prefix;

	/** What to do when etcd refuses this user the prefix. */
	private final String readPermissionHint;

	private final List<ServiceChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final List<EtcdViewObserver> observers = new CopyOnWriteArrayList<>();

	private final EtcdDiscoveryProperties.Watch mode;

	private final HeldView held;

	/** The threads every mirror of this cache runs on, however many services it holds. */
	private final MirrorThreads threads;

	/** Whether the first view was waited for: from then on reads never wait. */
	private volatile boolean started;

	public EtcdDiscoveryCache(Client client, EtcdProperties etcdProperties, EtcdDiscoveryProperties properties,
			EtcdKeyspace keyspace) {
		this.prefix = keyspace.keyPrefix();
		this.readPermissionHint = "Grant the etcd user's role read on the discovery prefix: " + keyspace.readGrant()
				+ " . See the Security section of the etcd-discovery README.";
		this.mode = properties.getWatch();
		Duration timeout = etcdProperties.getRequestTimeout();
		if (this.mode == EtcdDiscoveryProperties.Watch.PER_SERVICE) {
			this.threads = new MirrorThreads(THREADS, PER_SERVICE_THREADS);
			this.held = new ServiceWatches((spelling) -> {
				ServiceView view = new ServiceView(keyspace.codec(), this.listeners, this.observers);
				String servicePrefix = ServiceWatches.prefixOf(this.prefix, spelling);
				PrefixMirror mirror = new PrefixMirror(new EtcdPrefixSource(client, servicePrefix, timeout), view,
						new MirrorSettings("etcd discovery view of " + spelling, THREADS, properties.getResyncInterval()),
						this.threads);
				return new ServiceWatch.Part(spelling, mirror, view);
			}, new ServiceNames(client, this.prefix, timeout), timeout, properties.getReleaseUnusedAfter());
		}
		else {
			this.threads = new MirrorThreads(THREADS, 1);
			ServiceView view = new ServiceView(keyspace.codec(), this.listeners, this.observers);
			this.held = new FullView(new PrefixMirror(new EtcdPrefixSource(client, this.prefix, timeout), view,
					new MirrorSettings("etcd discovery view", THREADS, properties.getResyncInterval()), this.threads),
					view, timeout.multipliedBy(2));
		}
	}

	/**
	 * Begins loading the view in the background, so that connecting to etcd and listing the
	 * prefix overlap the rest of the context's startup; {@link #afterSingletonsInstantiated()}
	 * then waits for it.
	 */
	@Override
	public void afterPropertiesSet() {
		this.held.begin();
	}

	/**
	 * Loads the view before the application uses it (with {@code per-service}, only checks that
	 * the prefix may be read). When etcd does not answer within the request timeout, startup
	 * goes on with an empty view that fills in as soon as it does; when etcd answers that this
	 * user may not read the prefix, startup fails, since discovery would never work. A lookup
	 * made before, by another bean as it starts, waits for the same.
	 */
	@Override
	public synchronized void afterSingletonsInstantiated() {
		if (this.started) {
			return;
		}
		try {
			this.held.start();
		}
		catch (EtcdAccessException refusal) {
			String action = !refusal.isPermissionDenied() ? refusal.getAction() : this.readPermissionHint;
			throw new EtcdAccessException("etcd discovery cannot read " + this.prefix + ": " + refusal.getMessage(),
					action, refusal);
		}
		this.started = true;
	}

	@Override
	public void destroy() {
		this.held.close();
		this.threads.close();
	}

	/**
	 * A service's instances as lookups answer them (all, and the UP ones), built once per
	 * change of the service; service ids match ignoring case. With {@code watch=per-service},
	 * the first lookup of a service starts watching it and waits for its first listing, at
	 * most the request timeout.
	 */
	public ServiceInstances lookup(String serviceId) {
		started();
		return this.held.lookup(serviceId);
	}

	/**
	 * {@link #lookup} for a caller that must not block (a reactor thread): completes at once
	 * when the service is held; with {@code watch=per-service}, the first lookup of a service
	 * completes once its first listing is in, or empty after the request timeout, waited for on
	 * a thread of the cache's own.
	 */
	public CompletionStage<ServiceInstances> lookupLater(String serviceId) {
		started();
		return this.held.lookupLater(serviceId);
	}

	/**
	 * What is held for a service, from memory: never starts a watch, and with
	 * {@code watch=per-service} does not count as a use that keeps the service held.
	 */
	public ServiceInstances peek(String serviceId) {
		return this.held.peek(serviceId);
	}

	/**
	 * The subscribers of a service's pushed load-balancer lists: with {@code watch=per-service}
	 * a service is not released while one is subscribed (see {@code release-unused-after}).
	 */
	public ServiceUse use(String serviceId) {
		return this.held.use(serviceId);
	}

	/** Whether {@link #lookup} of the service is a read of memory, which never waits. */
	public boolean holds(String serviceId) {
		return this.held.holds(serviceId);
	}

	/** The instances held for a service, whatever their status, from memory: never starts a watch. */
	public List<EtcdServiceInstance> instances(String serviceId) {
		started();
		return this.held.instances(serviceId);
	}

	/** Ids of the services held that have at least one instance: every service with {@code watch=all}. */
	public List<String> services() {
		started();
		return this.held.services();
	}

	/**
	 * Ids of every service with at least one instance, as {@code getServices()} answers them:
	 * from memory with {@code watch=all}; with {@code per-service}, a keys-only read of the
	 * prefix, or the services held when etcd does not answer.
	 */
	public List<String> listServices() {
		started();
		return this.held.listServices();
	}

	/** Before the context finished starting, a read waits for the first view as startup does. */
	private void started() {
		if (!this.started) {
			afterSingletonsInstantiated();
		}
	}

	/** What this cache holds: everything, or only the services looked up. */
	public EtcdDiscoveryProperties.Watch mode() {
		return this.mode;
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

	/** How the view follows etcd right now, all of it read at one moment. */
	public MirrorState state() {
		return this.held.state();
	}

	/**
	 * Whether the view is known to follow etcd right now: confirmed by a member that has a
	 * leader.
	 */
	public boolean isConnected() {
		return state().confirmed();
	}

	/** Since when the view has not been confirmed by a member with a leader; null while it is. */
	public @Nullable Instant getNotConfirmedSince() {
		return state().notConfirmedSince();
	}

	/** Why the view is not confirmed right now; null while it is. */
	public @Nullable String getNotConfirmedReason() {
		return state().notConfirmedReason();
	}

	/** The etcd revision the view reflects. */
	public long getRevision() {
		return state().revision();
	}

	/**
	 * Completes with the revision of the first view listed from etcd: at once when etcd
	 * answered during startup, otherwise as soon as it does (with {@code per-service}, the
	 * startup check of the prefix, a first listing of a service or a getServices() answer).
	 */
	public CompletionStage<Long> firstViewLoaded() {
		return this.held.firstLoaded();
	}

	public @Nullable Instant getLastSync() {
		return state().lastListed();
	}

	public @Nullable String getLastError() {
		return state().lastError();
	}

	/** Test hook: forget the watch as if its events were lost, without listing again. */
	void dropWatchForTest() {
		this.held.dropWatchForTest();
	}

	/** The form in which service ids are kept and told to listeners: ids match ignoring case. */
	public static String canonical(String serviceId) {
		return ServiceView.canonical(serviceId);
	}

}
