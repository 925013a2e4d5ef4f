package io.github.etcddiscovery.mirror;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The safety net against lost events, run every resync interval on a mirror's thread. Two
 * small requests: whether any key changed after the revision applied (see
 * {@link PrefixSource#changedAfter}), and how many keys were under the prefix at that
 * revision (count only, so it compares like with like with the listener's
 * {@link MirrorListener#keyCount()}). Changes after the revision applied are normally events
 * on their way: they count as lost only when the next check finds the mirror still short of
 * the revision they were seen at. Only a disagreement lists again; a revision etcd has
 * compacted away cannot be checked, so it is listed again too; so is a mirror ahead of etcd,
 * which lost its data.
 */
final class DriftCheck {

	private static final Log logger = LogFactory.getLog(PrefixMirror.class);

	private final PrefixSource source;

	private final MirrorListener listener;

	private final String name;

	/** The etcd revision at which the last check saw changes not applied yet; 0 if none. */
	private long unseenAt;

	DriftCheck(PrefixSource source, MirrorListener listener, String name) {
		this.source = source;
		this.listener = listener;
		this.name = name;
	}

	/**
	 * Checks the mirror against etcd.
	 * @param applied the revision the mirror has applied
	 * @return whether the prefix must be listed again
	 */
	boolean listAgain(long applied) {
		PrefixSource.Probe newer = this.source.changedAfter(applied);
		long now = newer.etcdRevision();
		if (now > 0 && now < applied) {
			logger.info("etcd's revision went back from " + applied + " to " + now + ": it lost its data, listing again");
			return true;
		}
		long actual = this.source.countAt(applied);
		boolean lost = this.unseenAt > 0 && applied < this.unseenAt;
		this.unseenAt = (newer.changed() && !lost) ? now : 0;
		long known = this.listener.keyCount();
		boolean drifted = actual != known || lost;
		this.listener.driftChecked(now, drifted);
		if (drifted) {
			logger.info(this.name + " drifted from etcd (" + known + " keys known, "
					+ ((actual >= 0) ? actual + " in etcd" : "its revision " + applied + " compacted") + " at revision "
					+ applied + ", changes unseen: " + lost + "), listing again");
			this.unseenAt = 0;
		}
		return drifted;
	}

}
