package io.github.etcddiscovery.mirror;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Holds what a mirror told it, key by key, and writes each call down, with the mirror's
 * revision as it stood when the call came.
 */
final class RecordingListener implements MirrorListener {

	final Map<String, String> keys = new ConcurrentHashMap<>();

	final List<String> calls = new CopyOnWriteArrayList<>();

	/** The thread of each call. */
	final List<String> threads = new CopyOnWriteArrayList<>();

	/** The mirror's state at each call. */
	final List<MirrorState> statesSeen = new CopyOnWriteArrayList<>();

	private Supplier<MirrorState> state = () -> null;

	void watching(PrefixMirror mirror) {
		this.state = mirror::state;
	}

	@Override
	public void replaced(long revision, List<MirrorEntry> entries) {
		this.keys.clear();
		entries.forEach(entry -> this.keys.put(entry.key(), text(entry)));
		record("replaced@" + revision + " " + entries.stream().map(MirrorEntry::key).toList());
	}

	@Override
	public void changed(long revision, long etcdRevision, List<MirrorEvent> events) {
		for (MirrorEvent event : events) {
			if (event.type() == MirrorEvent.Type.PUT) {
				this.keys.put(event.entry().key(), text(event.entry()));
			}
			else {
				this.keys.remove(event.entry().key());
			}
		}
		record("changed@" + revision + "/" + etcdRevision + " "
				+ events.stream().map(event -> event.type() + " " + event.entry().key()).toList());
	}

	@Override
	public void driftChecked(long etcdRevision, boolean drifted) {
		record("checked@" + etcdRevision + (drifted ? " drifted" : " in sync"));
	}

	@Override
	public long keyCount() {
		return this.keys.size();
	}

	Map<String, String> sorted() {
		return new TreeMap<>(this.keys);
	}

	String last() {
		return this.calls.isEmpty() ? "" : this.calls.get(this.calls.size() - 1);
	}

	long count(String prefix) {
		return this.calls.stream().filter(call -> call.startsWith(prefix)).count();
	}

	private void record(String call) {
		this.statesSeen.add(this.state.get());
		this.calls.add(call);
		this.threads.add(Thread.currentThread().getName());
	}

	private static String text(MirrorEntry entry) {
		return new String(entry.value(), StandardCharsets.UTF_8);
	}

}
