package io.github.etcddiscovery.discovery;

/**
 * Told, on the {@link EtcdDiscoveryCache}'s own thread, how the view follows etcd: for
 * metrics and the like. Implementations only record, quickly, and never call etcd.
 */
public interface EtcdViewObserver {

	/** The prefix was listed in full (at startup, after a watch ended, after a drift). */
	default void listed(long revision) {
	}

	/**
	 * A watch response was applied.
	 * @param events how many events it held
	 * @param etcdRevision etcd's revision when it answered
	 */
	default void eventsApplied(int events, long etcdRevision) {
	}

	/**
	 * The periodic check against etcd ran.
	 * @param etcdRevision etcd's revision when it answered
	 * @param drifted whether the view differed, so that it is listed again
	 */
	default void driftChecked(long etcdRevision, boolean drifted) {
	}

}
