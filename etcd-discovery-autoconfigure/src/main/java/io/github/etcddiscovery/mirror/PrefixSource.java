package io.github.etcddiscovery.mirror;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The etcd requests a {@link PrefixMirror} makes on one prefix, and nothing else: the
 * mirror decides when to make them. {@link EtcdPrefixSource} makes them with jetcd; a fake
 * makes the mirror's rules testable without etcd. Requests may block for at most the
 * request timeout and throw when they fail (an
 * {@link io.github.etcddiscovery.client.EtcdAccessException} when etcd refuses them).
 */
public interface PrefixSource {

	/** The prefix, as written in log messages. */
	String prefix();

	/**
	 * One page of the keys under the prefix, in key order.
	 * @param from the raw key to start at (a previous page's {@link Page#next()}); null for
	 * the first key
	 * @param revision the revision to read at; 0 for the current one
	 */
	Page listPage(byte @Nullable [] from, long revision);

	/**
	 * Whether any key under the prefix changed after a revision: keys only, at most one
	 * returned (etcd computes a count before applying revision filters, so a count cannot
	 * answer that).
	 */
	Probe changedAfter(long revision);

	/**
	 * How many keys were under the prefix at a revision (count only); -1 when etcd compacted
	 * that revision away.
	 */
	long countAt(long revision);

	/**
	 * Watches the prefix from a revision on, with previous values. The handler may be called
	 * on any thread, in order.
	 */
	Watching watch(long fromRevision, WatchHandler handler);

	/**
	 * A page of a listing.
	 * @param revision etcd's revision when it answered (the listing's, on the first page)
	 * @param entries the keys of this page, in key order
	 * @param next the raw key the next page starts at; null when this was the last page
	 */
	record Page(long revision, List<MirrorEntry> entries, byte @Nullable [] next) {
	}

	/**
	 * The answer to {@link #changedAfter}.
	 * @param etcdRevision etcd's revision when it answered
	 * @param changed whether a key under the prefix changed after the revision asked about
	 */
	record Probe(long etcdRevision, boolean changed) {
	}

	/** What a watch tells. */
	interface WatchHandler {

		/** A response; {@code events} may be empty (a progress or created notification). */
		void events(long etcdRevision, List<MirrorEvent> events);

		/** The watch failed in a way the client recovers from by itself, resuming where it was. */
		void interrupted(String why);

		/** The watch is over for good (compaction, no leader, completed): only a new one sees more. */
		void ended(String why);

	}

	/** A running watch. */
	interface Watching {

		/** Stops it; never talks to etcd. */
		void cancel();

	}

}
