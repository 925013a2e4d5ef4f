package io.github.etcddiscovery.discovery;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorEntry;
import io.github.etcddiscovery.mirror.MirrorEvent;
import io.github.etcddiscovery.mirror.MirrorListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The service instances that the keys of a {@link io.github.etcddiscovery.mirror.PrefixMirror}
 * describe: the meaningful half of the discovery cache. It decodes each key (a bad one is
 * skipped, with one warning per key until it changes), indexes the instances by service,
 * hands out immutable snapshots per service, and tells listeners which services changed and observers
 * how it follows etcd. Fed by its mirror, one call at a time; read from anywhere.
 * It holds whatever prefix its mirror covers, so a mirror of one service's prefix can feed a
 * view of that service alone.
 */
final class ServiceView implements MirrorListener {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final EtcdInstanceCodec codec;

	private final List<ServiceChangeListener> listeners;

	private final List<EtcdViewObserver> observers;

	/**
	 * The ready answers of each service, under its canonical id and its id as registered:
	 * written by the mirror's calls only, one service at a time, so that an event costs the
	 * services it touches, not every service; read from anywhere.
	 */
	private final Map<String, ServiceInstances> byService = new ConcurrentHashMap<>();

	/** The ids as registered, in order, republished only when a service comes or goes. */
	private volatile List<String> services = List.of();

	// Fed by the mirror's calls only: the ids as registered, by canonical id.
	private final Map<String, String> names = new TreeMap<>();

	// Fed by the mirror's calls only.
	private final ServiceIndex index = new ServiceIndex();

	private final Set<String> badKeys = new HashSet<>();

	ServiceView(EtcdInstanceCodec codec) {
		this(codec, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
	}

	/**
	 * A view that tells the given lists, which other views may share: the per-service watches
	 * have one view per service and one set of listeners for all of them.
	 */
	ServiceView(EtcdInstanceCodec codec, List<ServiceChangeListener> listeners, List<EtcdViewObserver> observers) {
		this.codec = codec;
		this.listeners = listeners;
		this.observers = observers;
	}

	/**
	 * A service's ready answers; service ids match ignoring case. The id as given is tried
	 * first: each service is held under its canonical id and under its id as registered, so
	 * the usual lookup is one map read and only another casing folds the id.
	 */
	ServiceInstances lookup(String serviceId) {
		ServiceInstances found = this.byService.get(serviceId);
		return (found != null) ? found : this.byService.getOrDefault(canonical(serviceId), ServiceInstances.NONE);
	}

	/** All instances of a service, whatever their status; service ids match ignoring case. */
	List<EtcdServiceInstance> instances(String serviceId) {
		return lookup(serviceId).all();
	}

	/** Ids of the services that have at least one instance, as registered. */
	List<String> services() {
		return this.services;
	}

	void addListener(ServiceChangeListener listener) {
		this.listeners.add(listener);
	}

	void removeListener(ServiceChangeListener listener) {
		this.listeners.remove(listener);
	}

	void addObserver(EtcdViewObserver observer) {
		this.observers.add(observer);
	}

	@Override
	public void replaced(long revision, List<MirrorEntry> entries) {
		Map<String, EtcdServiceInstance> fresh = new HashMap<>();
		Set<String> listedKeys = new HashSet<>();
		for (MirrorEntry entry : entries) {
			listedKeys.add(entry.key());
			EtcdServiceInstance instance = decode(entry.key(), entry.value());
			if (instance != null) {
				fresh.put(entry.key(), instance);
			}
		}
		Set<String> changed = this.index.replaceAll(fresh);
		this.badKeys.retainAll(listedKeys);
		this.observers.forEach(observer -> observer.listed(revision));
		publish(changed, revision);
	}

	@Override
	public void changed(long revision, long etcdRevision, List<MirrorEvent> events) {
		Set<String> changed = new LinkedHashSet<>();
		for (MirrorEvent event : events) {
			String key = event.entry().key();
			if (event.type() == MirrorEvent.Type.PUT) {
				EtcdServiceInstance instance = decode(key, event.entry().value());
				changed.addAll((instance != null) ? this.index.upsert(key, instance) : this.index.remove(key));
			}
			else {
				this.badKeys.remove(key);
				changed.addAll(this.index.remove(key));
			}
		}
		this.observers.forEach(observer -> observer.eventsApplied(events.size(), etcdRevision));
		publish(changed, revision);
	}

	@Override
	public void driftChecked(long etcdRevision, boolean drifted) {
		this.observers.forEach(observer -> observer.driftChecked(etcdRevision, drifted));
	}

	/** Every key it was given: those that hold an instance, and the bad ones it skipped. */
	@Override
	public long keyCount() {
		return this.index.size() + this.badKeys.size();
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

	/** Publishes new answers for the changed services, then tells the listeners. */
	private void publish(Set<String> changed, long revision) {
		if (changed.isEmpty()) {
			return;
		}
		boolean idsChanged = false;
		for (String service : changed) {
			idsChanged |= republish(service);
		}
		if (idsChanged) {
			this.services = List.copyOf(this.names.values());
		}
		Set<String> unmodifiable = Collections.unmodifiableSet(changed);
		for (ServiceChangeListener listener : this.listeners) {
			try {
				listener.servicesChanged(unmodifiable, revision);
			}
			catch (RuntimeException ex) {
				logger.warn("Discovery change listener " + listener + " failed", ex);
			}
		}
	}

	/** Replaces one service's answers; returns whether the ids of the services changed. */
	private boolean republish(String service) {
		TreeMap<String, EtcdServiceInstance> instances = this.index.instances(service);
		if (instances == null) {
			ServiceInstances gone = this.byService.remove(service);
			if (gone != null) {
				this.byService.remove(gone.serviceId());
			}
			return this.names.remove(service) != null;
		}
		ServiceInstances answers = new ServiceInstances(instances.firstEntry().getValue().getServiceId(),
				List.copyOf(instances.values()));
		String registeredId = answers.serviceId();
		// Ids as registered never clash with canonical ones, which are in lower case.
		ServiceInstances previous = this.byService.put(service, answers);
		this.byService.put(registeredId, answers);
		if (previous != null && !previous.serviceId().equals(service) && !previous.serviceId().equals(registeredId)) {
			this.byService.remove(previous.serviceId());
		}
		return !registeredId.equals(this.names.put(service, registeredId));
	}

	/** The form in which service ids are kept and told to listeners: ids match ignoring case. */
	static String canonical(String serviceId) {
		return serviceId.toLowerCase(Locale.ROOT);
	}

	private static String abbreviate(String key) {
		return key.length() <= 200 ? key : key.substring(0, 200) + "...";
	}

}
