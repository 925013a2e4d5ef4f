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
 * hands out immutable snapshots, and tells listeners which services changed and observers
 * how it follows etcd. Fed on the mirror's thread, one call at a time; read from anywhere.
 * It holds whatever prefix its mirror covers, so a mirror of one service's prefix can feed a
 * view of that service alone.
 */
final class ServiceView implements MirrorListener {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final EtcdInstanceCodec codec;

	private final List<ServiceChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final List<EtcdViewObserver> observers = new CopyOnWriteArrayList<>();

	private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

	// Fed on the mirror's thread only.
	private final ServiceIndex index = new ServiceIndex();

	private final Set<String> badKeys = new HashSet<>();

	ServiceView(EtcdInstanceCodec codec) {
		this.codec = codec;
	}

	/**
	 * A service's ready answers; service ids match ignoring case. The id as given is tried
	 * first: the snapshot holds each service under its canonical id and under its id as
	 * registered, so the usual lookup is one map read and only another casing folds the id.
	 */
	ServiceInstances lookup(String serviceId) {
		Map<String, ServiceInstances> byService = this.snapshot.byService();
		ServiceInstances found = byService.get(serviceId);
		return (found != null) ? found : byService.getOrDefault(canonical(serviceId), ServiceInstances.NONE);
	}

	/** All instances of a service, whatever their status; service ids match ignoring case. */
	List<EtcdServiceInstance> instances(String serviceId) {
		return lookup(serviceId).all();
	}

	/** Ids of the services that have at least one instance, as registered. */
	List<String> services() {
		return this.snapshot.services();
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
		publish(changed);
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
		publish(changed);
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

	/** Publishes new snapshots for the changed services, then tells the listeners. */
	private void publish(Set<String> changed) {
		if (changed.isEmpty()) {
			return;
		}
		Snapshot current = this.snapshot;
		Map<String, ServiceInstances> nextView = new HashMap<>(current.byService());
		Map<String, String> nextNames = new TreeMap<>(current.names());
		for (String service : changed) {
			ServiceInstances previous = nextView.remove(service);
			if (previous != null) {
				nextView.remove(previous.serviceId());
			}
			TreeMap<String, EtcdServiceInstance> instances = this.index.instances(service);
			if (instances == null) {
				nextNames.remove(service);
			}
			else {
				ServiceInstances answers = new ServiceInstances(instances.firstEntry().getValue().getServiceId(),
						List.copyOf(instances.values()));
				nextView.put(service, answers);
				// Ids as registered never clash with canonical ones, which are in lower case.
				nextView.putIfAbsent(answers.serviceId(), answers);
				nextNames.put(service, answers.serviceId());
			}
		}
		this.snapshot = new Snapshot(nextView, nextNames);
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
	static String canonical(String serviceId) {
		return serviceId.toLowerCase(Locale.ROOT);
	}

	private static String abbreviate(String key) {
		return key.length() <= 200 ? key : key.substring(0, 200) + "...";
	}

	/**
	 * One consistent view: the ready answers by canonical service id and by id as registered,
	 * and the ids as registered by canonical id. Never changed once built. A class, not a
	 * record: the benchmarks measure the view's heap with JOL, which cannot read the field
	 * offsets of records.
	 */
	private static final class Snapshot {

		private final Map<String, ServiceInstances> byService;

		private final Map<String, String> names;

		private final List<String> services;

		Snapshot(Map<String, ServiceInstances> byService, Map<String, String> names) {
			this.byService = byService;
			this.names = names;
			this.services = List.copyOf(names.values());
		}

		Map<String, ServiceInstances> byService() {
			return this.byService;
		}

		Map<String, String> names() {
			return this.names;
		}

		List<String> services() {
			return this.services;
		}

	}

}
