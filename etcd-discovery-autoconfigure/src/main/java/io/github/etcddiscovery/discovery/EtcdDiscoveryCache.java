package io.github.etcddiscovery.discovery;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.EtcdPrefixSource;
import io.github.etcddiscovery.mirror.MirrorSettings;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * The local view of every instance under the prefix, kept current by an etcd watch, so that
 * lookups never touch the network: the bean that the discovery clients, the load balancer,
 * health, metrics and the actuator read.
 * <p>
 * Two parts do the work: a {@link PrefixMirror} lists the prefix, watches it, lists again
 * when a watch ends or drifts, and knows nothing of services; a {@link ServiceView} decodes
 * what it is given, indexes it and hands out immutable snapshots. Both change only on the
 * mirror's own thread.
 */
public class EtcdDiscoveryCache implements InitializingBean, DisposableBean {

	private final EtcdProperties etcdProperties;

	private final String prefix;

	/** What to do when etcd refuses this user the prefix. */
	private final String readPermissionHint;

	private final ServiceView view;

	private final PrefixMirror mirror;

	public EtcdDiscoveryCache(Client client, EtcdProperties etcdProperties, EtcdDiscoveryProperties properties,
			EtcdKeyspace keyspace) {
		this.etcdProperties = etcdProperties;
		this.prefix = keyspace.keyPrefix();
		this.readPermissionHint = "Grant the etcd user's role read on the discovery prefix: " + keyspace.readGrant()
				+ " . See the Security section of the etcd-discovery README.";
		this.view = new ServiceView(keyspace.codec());
		this.mirror = new PrefixMirror(new EtcdPrefixSource(client, this.prefix, etcdProperties.getRequestTimeout()),
				this.view, new MirrorSettings("etcd discovery view", "etcd-discovery-", properties.getResyncInterval()));
	}

	/**
	 * Loads the view before the application uses it. When etcd does not answer within the
	 * request timeout, startup goes on with an empty view that fills in as soon as it does;
	 * when etcd answers that this user may not read the prefix, startup fails, since
	 * discovery would never work.
	 */
	@Override
	public void afterPropertiesSet() {
		try {
			this.mirror.start(this.etcdProperties.getRequestTimeout().multipliedBy(2));
		}
		catch (EtcdAccessException refusal) {
			String action = !refusal.isPermissionDenied() ? refusal.getAction() : this.readPermissionHint;
			throw new EtcdAccessException("etcd discovery cannot read " + this.prefix + ": " + refusal.getMessage(),
					action, refusal);
		}
	}

	@Override
	public void destroy() {
		this.mirror.close();
	}

	/** All instances of a service, whatever their status; service ids match ignoring case. */
	public List<EtcdServiceInstance> instances(String serviceId) {
		return this.view.instances(serviceId);
	}

	/**
	 * A service's instances as lookups answer them, built once per change of the service;
	 * service ids match ignoring case.
	 */
	public ServiceInstances lookup(String serviceId) {
		return this.view.lookup(serviceId);
	}

	/** Ids of the services that have at least one instance. */
	public List<String> services() {
		return this.view.services();
	}

	public void addListener(ServiceChangeListener listener) {
		this.view.addListener(listener);
	}

	public void removeListener(ServiceChangeListener listener) {
		this.view.removeListener(listener);
	}

	/** Told how the view follows etcd from now on. */
	public void addObserver(EtcdViewObserver observer) {
		this.view.addObserver(observer);
	}

	/** How the view follows etcd right now, all of it read at one moment. */
	public MirrorState state() {
		return this.mirror.state();
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
	 * answered during startup, otherwise as soon as it does.
	 */
	public CompletionStage<Long> firstViewLoaded() {
		return this.mirror.firstListing();
	}

	public @Nullable Instant getLastSync() {
		return state().lastListed();
	}

	public @Nullable String getLastError() {
		return state().lastError();
	}

	/** Test hook: forget the watch as if its events were lost, without listing again. */
	void dropWatchForTest() {
		this.mirror.dropWatchForTest();
	}

	/** The form in which service ids are kept and told to listeners: ids match ignoring case. */
	public static String canonical(String serviceId) {
		return ServiceView.canonical(serviceId);
	}

}
