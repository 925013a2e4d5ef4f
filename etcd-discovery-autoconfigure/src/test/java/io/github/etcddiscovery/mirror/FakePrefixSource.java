package io.github.etcddiscovery.mirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * An etcd prefix in memory, for the mirror's rules: keys with their mod revisions, the count
 * at every revision, compaction, an etcd that loses its data, requests that fail, and a watch
 * whose responses the test delivers (or does not: lost events). Pages hold two keys, so
 * that every listing of more than two keys is paged.
 */
final class FakePrefixSource implements PrefixSource {

	static final String PREFIX = "/p/";

	private final TreeMap<String, MirrorEntry> keys = new TreeMap<>();

	/** How many keys there were at each revision that changed them. */
	private final TreeMap<Long, Integer> counts = new TreeMap<>(Map.of(0L, 0));

	private long revision;

	private long compactedBelow;

	/** What the next listings throw, one each; then they work again. */
	private final List<Supplier<RuntimeException>> listingFailures = new CopyOnWriteArrayList<>();

	private volatile @Nullable Supplier<RuntimeException> everyListingFails;

	/** Runs before the next listing answers, once: a listing that takes its time. */
	private volatile @Nullable Runnable beforeNextListing;

	/** The revisions each listed page was asked at, in order. */
	final List<Long> pagesAskedAt = new CopyOnWriteArrayList<>();

	/** The thread of each page asked for. */
	final List<String> pagesAskedOn = new CopyOnWriteArrayList<>();

	final List<Long> probesAskedAfter = new CopyOnWriteArrayList<>();

	final List<Watch> watches = new CopyOnWriteArrayList<>();

	@Override
	public String prefix() {
		return PREFIX;
	}

	synchronized MirrorEvent put(String key, String value) {
		MirrorEntry entry = new MirrorEntry(PREFIX + key, value.getBytes(StandardCharsets.UTF_8), ++this.revision);
		this.keys.put(entry.key(), entry);
		this.counts.put(this.revision, this.keys.size());
		return new MirrorEvent(MirrorEvent.Type.PUT, entry);
	}

	synchronized MirrorEvent delete(String key) {
		this.keys.remove(PREFIX + key);
		this.counts.put(++this.revision, this.keys.size());
		return new MirrorEvent(MirrorEvent.Type.DELETE, new MirrorEntry(PREFIX + key, new byte[0], this.revision));
	}

	/** Writes elsewhere in etcd: the revision moves, the prefix does not. */
	synchronized void writeElsewhere() {
		this.counts.put(++this.revision, this.keys.size());
	}

	synchronized void compact() {
		this.compactedBelow = this.revision;
	}

	/** etcd restored from nothing: no keys, revisions count from 1 again. */
	synchronized void wipe() {
		this.keys.clear();
		this.counts.clear();
		this.counts.put(0L, 0);
		this.revision = 1;
		this.counts.put(1L, 0);
		this.compactedBelow = 0;
	}

	synchronized long revision() {
		return this.revision;
	}

	void failNextListing(Supplier<RuntimeException> failure) {
		this.listingFailures.add(failure);
	}

	/** Every listing from now on throws (null: none), as etcd refuses a user without the permission every time. */
	void failEveryListing(@Nullable Supplier<RuntimeException> failure) {
		this.everyListingFails = failure;
	}

	/** Runs {@code delay} (which may block) before the next listing reads its first page. */
	void delayNextListing(Runnable delay) {
		this.beforeNextListing = delay;
	}

	/** The latest watch started. */
	Watch watch() {
		return this.watches.get(this.watches.size() - 1);
	}

	@Override
	public Page listPage(byte @Nullable [] from, long atRevision) {
		Runnable delay = this.beforeNextListing;
		if (delay != null) {
			this.beforeNextListing = null;
			delay.run();
		}
		return page(from, atRevision);
	}

	private synchronized Page page(byte @Nullable [] from, long atRevision) {
		this.pagesAskedAt.add(atRevision);
		this.pagesAskedOn.add(Thread.currentThread().getName());
		Supplier<RuntimeException> always = this.everyListingFails;
		if (always != null) {
			throw always.get();
		}
		if (!this.listingFailures.isEmpty()) {
			throw this.listingFailures.remove(0).get();
		}
		String start = (from != null) ? new String(from, StandardCharsets.UTF_8) : PREFIX;
		List<MirrorEntry> page = new ArrayList<>(this.keys.tailMap(start, true).values());
		boolean more = page.size() > 2;
		page = List.copyOf(page.subList(0, Math.min(2, page.size())));
		byte[] next = null;
		if (more) {
			byte[] last = page.get(1).key().getBytes(StandardCharsets.UTF_8);
			next = Arrays.copyOf(last, last.length + 1);
		}
		return new Page(this.revision, page, next);
	}

	@Override
	public synchronized Probe changedAfter(long afterRevision) {
		this.probesAskedAfter.add(afterRevision);
		// As etcd: only keys that still exist; a deletion leaves nothing to find.
		boolean changed = this.keys.values().stream().anyMatch(entry -> entry.modRevision() > afterRevision);
		return new Probe(this.revision, changed);
	}

	@Override
	public synchronized long countAt(long atRevision) {
		if (atRevision < this.compactedBelow) {
			return -1;
		}
		return this.counts.floorEntry(atRevision).getValue();
	}

	@Override
	public Watching watch(long fromRevision, WatchHandler handler) {
		Watch watch = new Watch(fromRevision, handler);
		this.watches.add(watch);
		return () -> watch.cancelled = true;
	}

	/** A watch the mirror started; the test delivers what etcd would. */
	final class Watch {

		final long fromRevision;

		final WatchHandler handler;

		volatile boolean cancelled;

		Watch(long fromRevision, WatchHandler handler) {
			this.fromRevision = fromRevision;
			this.handler = handler;
		}

		void deliver(MirrorEvent... events) {
			this.handler.events(revision(), List.of(events));
		}

	}

}
