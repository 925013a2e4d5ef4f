package io.github.etcddiscovery.client;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;

/**
 * Tells a watch error jetcd recovers from by itself from one that ends the watch.
 */
public final class EtcdWatchErrors {

	private static final String NO_LEADER = "etcdserver: no leader";

	private EtcdWatchErrors() {
	}

	/** The member serving the watch has no leader (a require-leader watch was ended or refused). */
	public static boolean isNoLeader(Throwable error) {
		return error instanceof EtcdException etcd && NO_LEADER.equals(etcd.getMessage());
	}

	/**
	 * jetcd resumes a watch after errors it considers transient (UNAVAILABLE, INTERNAL other
	 * than "no leader") and closes it after any other, compaction included: then only a new
	 * watch sees further changes.
	 */
	public static boolean endsTheWatch(Throwable error) {
		if (error instanceof CompactedException) {
			return true;
		}
		if (error instanceof EtcdException etcd) {
			boolean transientCode = etcd.getErrorCode() == ErrorCode.UNAVAILABLE
					|| etcd.getErrorCode() == ErrorCode.INTERNAL;
			return !transientCode || isNoLeader(error);
		}
		return true;
	}

}
