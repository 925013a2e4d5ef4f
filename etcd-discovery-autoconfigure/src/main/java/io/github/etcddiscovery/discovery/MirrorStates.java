package io.github.etcddiscovery.discovery;

import java.time.Instant;
import java.util.List;

import io.github.etcddiscovery.mirror.MirrorState;

/**
 * The states of several mirrors read as one, for {@link ServiceWatches}: health, metrics and
 * the actuator read one {@link MirrorState} whatever the watch mode.
 */
final class MirrorStates {

	private MirrorStates() {
	}

	/**
	 * The state of all mirrors as one: confirmed only if every mirror is (and when there is
	 * none, as nothing needs following); the latest revision applied; the oldest episode of
	 * not being confirmed, with its reason.
	 */
	static MirrorState aggregate(List<MirrorState> states) {
		long revision = 0;
		boolean confirmed = true;
		Instant notConfirmedSince = null;
		String reason = null;
		String lastError = null;
		Instant lastListed = null;
		long generations = 0;
		int failedListings = 0;
		for (MirrorState state : states) {
			revision = Math.max(revision, state.revision());
			generations += state.watchGeneration();
			failedListings = Math.max(failedListings, state.failedListings());
			if (state.lastError() != null) {
				lastError = state.lastError();
			}
			if (state.lastListed() != null && (lastListed == null || state.lastListed().isAfter(lastListed))) {
				lastListed = state.lastListed();
			}
			if (!state.confirmed()) {
				confirmed = false;
				Instant since = state.notConfirmedSince();
				if (notConfirmedSince == null || (since != null && since.isBefore(notConfirmedSince))) {
					notConfirmedSince = since;
					reason = state.notConfirmedReason();
				}
			}
		}
		return new MirrorState(revision, confirmed, notConfirmedSince, reason, lastError, lastListed, generations,
				failedListings);
	}

	/** The state, never behind the given revision (that of services no longer held). */
	static MirrorState atLeast(MirrorState state, long revision) {
		return (revision <= state.revision()) ? state
				: new MirrorState(revision, state.confirmed(), state.notConfirmedSince(), state.notConfirmedReason(),
						state.lastError(), state.lastListed(), state.watchGeneration(), state.failedListings());
	}

}
