package io.github.etcddiscovery.benchmarks.scenarios;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.mirror.PrefixMirror;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap a discovery cache retains for what it holds, measured with JOL: the snapshots,
 * index and bad keys of each of its service views (one with {@code watch=all}, one per
 * service watched with {@code per-service}), not the client, the mirrors or their threads.
 * It reads the cache's private fields, as JOL needs the objects themselves.
 */
final class ViewHeap {

	private ViewHeap() {
	}

	static long retained(EtcdDiscoveryCache cache) throws ReflectiveOperationException {
		Object held = field(cache, "held");
		List<Object> views = new ArrayList<>();
		if (held.getClass().getSimpleName().equals("FullView")) {
			views.add(field(held, "view"));
		}
		else {
			for (Object watch : ((Map<?, ?>) field(held, "watches")).values()) {
				for (Object part : (List<?>) field(watch, "parts")) {
					views.add(field(part, "view"));
				}
			}
		}
		List<Object> roots = new ArrayList<>();
		for (Object view : views) {
			for (String name : List.of("byService", "services", "names", "index", "badKeys")) {
				roots.add(field(view, name));
			}
		}
		return roots.isEmpty() ? 0 : GraphLayout.parseInstance(roots.toArray()).totalSize();
	}

	/** The one mirror of a cache with {@code watch=all}. */
	static PrefixMirror fullMirror(EtcdDiscoveryCache cache) throws ReflectiveOperationException {
		return (PrefixMirror) field(field(cache, "held"), "mirror");
	}

	private static Object field(Object owner, String name) throws ReflectiveOperationException {
		Field field = owner.getClass().getDeclaredField(name);
		field.setAccessible(true);
		return field.get(owner);
	}

}
