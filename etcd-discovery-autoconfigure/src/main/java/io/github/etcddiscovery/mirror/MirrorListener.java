package io.github.etcddiscovery.mirror;

import java.util.List;

/**
 * What a {@link PrefixMirror} feeds: the one consumer that turns raw keys into something
 * meaningful (a view of service instances, say). Every call comes one at a time, in revision
 * order, each seeing what the previous ones did, and before the mirror's
 * {@link PrefixMirror#state() state} reflects it, so that the state never describes what the
 * listener does not hold yet: on the mirror's thread, or, for watch events, on jetcd's thread
 * that delivered them. Implementations apply idempotently by key, never call etcd and never
 * block.
 */
public interface MirrorListener {

	/**
	 * The prefix was listed in full (at start, after a watch ended, after a drift): what the
	 * listener holds is replaced by exactly these keys.
	 * @param revision the revision the listing was read at
	 * @param entries every key under the prefix at that revision, in key order
	 */
	void replaced(long revision, List<MirrorEntry> entries);

	/**
	 * A watch response: changes after the last listing or response, in revision order.
	 * @param revision the revision the mirror has applied with these changes
	 * @param etcdRevision etcd's revision when it answered (may be ahead: writes elsewhere)
	 * @param events the changes, possibly none (a progress notification)
	 */
	void changed(long revision, long etcdRevision, List<MirrorEvent> events);

	/**
	 * The periodic check against etcd ran.
	 * @param etcdRevision etcd's revision when it answered
	 * @param drifted whether what the listener holds differed, so that the prefix is listed again
	 */
	default void driftChecked(long etcdRevision, boolean drifted) {
	}

	/**
	 * How many keys the listener holds from what it was given, whether it could use them or
	 * not: the periodic check compares it with etcd's count at the revision applied.
	 */
	long keyCount();

}
