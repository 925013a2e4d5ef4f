package io.github.etcddiscovery.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import org.jspecify.annotations.Nullable;

/**
 * The decoded instances by service and by key, changed in place as keys come and go, each
 * change saying which services it touched: the mutable side of a {@link ServiceView},
 * confined to the thread that feeds it. Services are kept under their canonical id.
 */
final class ServiceIndex {

	private final Map<String, TreeMap<String, EtcdServiceInstance>> byService = new HashMap<>();

	private final Map<String, String> serviceOfKey = new HashMap<>();

	/** Puts an instance under its key; returns the services that changed. */
	Set<String> upsert(String key, EtcdServiceInstance instance) {
		String service = ServiceView.canonical(instance.getServiceId());
		EtcdServiceInstance previous = this.byService.computeIfAbsent(service, s -> new TreeMap<>()).put(key, instance);
		this.serviceOfKey.put(key, service);
		// The service id is part of the key: a key never moves to another service.
		return instance.equals(previous) ? Set.of() : Set.of(service);
	}

	/** Removes whatever the key held; returns the services that changed. */
	Set<String> remove(String key) {
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

	/** Replaces everything with a fresh listing; returns the services that differ. */
	Set<String> replaceAll(Map<String, EtcdServiceInstance> fresh) {
		Set<String> changed = new LinkedHashSet<>();
		for (String key : new ArrayList<>(this.serviceOfKey.keySet())) {
			if (!fresh.containsKey(key)) {
				changed.addAll(remove(key));
			}
		}
		fresh.forEach((key, instance) -> changed.addAll(upsert(key, instance)));
		return changed;
	}

	/** A service's instances in key order; null when it has none. */
	@Nullable TreeMap<String, EtcdServiceInstance> instances(String service) {
		return this.byService.get(service);
	}

	/** How many keys hold an instance. */
	int size() {
		return this.serviceOfKey.size();
	}

}
