package io.github.etcddiscovery.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The properties of every context in use, as etcd held them at one revision. Immutable: the
 * watch replaces the whole snapshot, so a refresh never sees half of a transaction.
 */
public final class EtcdConfigSnapshot {

	/** Names of our property sources start with this, e.g. {@code etcd:/config/orders/}. */
	public static final String SOURCE_NAME_PREFIX = "etcd:";

	private final long revision;

	private final boolean loaded;

	private final Map<String, Map<String, Object>> byContext;

	private EtcdConfigSnapshot(long revision, boolean loaded, Map<String, Map<String, Object>> byContext) {
		this.revision = revision;
		this.loaded = loaded;
		this.byContext = byContext;
	}

	/**
	 * @param byContext each context's properties, most specific context first
	 */
	public static EtcdConfigSnapshot of(long revision, Map<String, Map<String, Object>> byContext) {
		Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
		byContext.forEach((context, properties) -> copy.put(context,
				Collections.unmodifiableMap(new LinkedHashMap<>(properties))));
		return new EtcdConfigSnapshot(revision, true, Collections.unmodifiableMap(copy));
	}

	/** Before etcd first answered: every context empty. */
	public static EtcdConfigSnapshot notLoaded(List<String> contexts) {
		Map<String, Map<String, Object>> empty = new LinkedHashMap<>();
		contexts.forEach(context -> empty.put(context, Map.of()));
		return new EtcdConfigSnapshot(0, false, Collections.unmodifiableMap(empty));
	}

	public long revision() {
		return this.revision;
	}

	/** Whether this came from etcd, rather than standing in for it while unreachable. */
	public boolean isLoaded() {
		return this.loaded;
	}

	public List<String> contexts() {
		return List.copyOf(this.byContext.keySet());
	}

	public Map<String, Object> properties(String context) {
		return this.byContext.getOrDefault(context, Map.of());
	}

	public int propertyCount() {
		return this.byContext.values().stream().mapToInt(Map::size).sum();
	}

	/** Whether both hold the same properties, whatever their revisions. */
	public boolean sameProperties(EtcdConfigSnapshot other) {
		return this.loaded == other.loaded && this.byContext.equals(other.byContext);
	}

	/**
	 * One property source per context, in ascending priority as {@code ConfigData} takes them:
	 * the most specific context last. Every context has one, empty or not, so that a refresh
	 * replaces sources by name in place.
	 */
	public List<PropertySource<?>> propertySources() {
		List<PropertySource<?>> sources = new ArrayList<>();
		this.byContext.forEach((context, properties) -> sources
			.add(0, new MapPropertySource(SOURCE_NAME_PREFIX + context, properties)));
		return sources;
	}

	@Override
	public String toString() {
		return "EtcdConfigSnapshot{revision=" + this.revision + ", loaded=" + this.loaded + ", properties="
				+ propertyCount() + "}";
	}

}
