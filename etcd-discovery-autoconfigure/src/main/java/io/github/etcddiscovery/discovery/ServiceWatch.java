package io.github.etcddiscovery.discovery;

import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;

/**
 * One service held by {@link ServiceWatches}: a {@link PrefixMirror} of
 * {@code <prefix><serviceId>/} and the {@link ServiceView} it feeds, per spelling of the id
 * (ids match ignoring case, but etcd's keys do not, so a service registered as both
 * {@code Orders} and {@code orders} is two prefixes). Spellings are only ever added, under
 * the lock of this object; readers get an immutable list.
 * <p>
 * Each lookup marks it used, with at most one volatile write; {@link IdleRelease} clears the
 * mark on each sweep and releases a watch it found unmarked for long enough. A released watch
 * is never held again: the next lookup makes a new one.
 */
final class ServiceWatch {

	/** One spelling's mirror and view. */
	record Part(String spelling, PrefixMirror mirror, ServiceView view) {
	}

	private final String canonical;

	private volatile List<Part> parts = List.of();

	/** Whether the first lookup's listing is in (or timed out): later lookups only read. */
	private volatile boolean ready;

	private final UseMark use = new UseMark();

	/** Set once, under the lock, when the watch was released: its mirrors are closed or closing. */
	private volatile boolean released;

	/** When {@link IdleRelease} last found it used ({@link System#nanoTime()}); its thread only. */
	long lastSeenUsed;

	ServiceWatch(String canonical) {
		this.canonical = canonical;
	}

	String canonical() {
		return this.canonical;
	}

	boolean ready() {
		return this.ready;
	}

	void markReady() {
		this.ready = true;
	}

	/** Under the lock: lookups from now on go through the lock, which sees whether it was released. */
	void markUnready() {
		this.ready = false;
	}

	/** Marked by each lookup, cleared by each sweep of {@link IdleRelease}. */
	UseMark use() {
		return this.use;
	}

	boolean released() {
		return this.released;
	}

	void markReleased() {
		this.released = true;
	}

	List<Part> parts() {
		return this.parts;
	}

	boolean has(String spelling) {
		return this.parts.stream().anyMatch((part) -> part.spelling().equals(spelling));
	}

	void add(Part part) {
		List<Part> next = new ArrayList<>(this.parts);
		next.add(part);
		this.parts = List.copyOf(next);
	}

	void remove(Part part) {
		List<Part> next = new ArrayList<>(this.parts);
		next.remove(part);
		this.parts = List.copyOf(next);
	}

	/**
	 * The service's instances: the view's own immutable list when there is one spelling (the
	 * usual case, which keeps lookups allocation-free), otherwise all spellings' together.
	 */
	List<EtcdServiceInstance> instances() {
		return answers().all();
	}

	/**
	 * The service's ready answers: the view's own when there is one spelling (the usual case,
	 * which keeps lookups allocation-free), otherwise built from all spellings' instances.
	 */
	ServiceInstances answers() {
		List<Part> current = this.parts;
		if (current.size() == 1) {
			return current.get(0).view().lookup(this.canonical);
		}
		List<EtcdServiceInstance> all = new ArrayList<>();
		current.forEach((part) -> all.addAll(part.view().instances(this.canonical)));
		return all.isEmpty() ? ServiceInstances.NONE : new ServiceInstances(all.get(0).getServiceId(), List.copyOf(all));
	}

	List<MirrorState> states() {
		return this.parts.stream().map((part) -> part.mirror().state()).toList();
	}

	void close() {
		this.parts.forEach((part) -> part.mirror().close());
	}

}
