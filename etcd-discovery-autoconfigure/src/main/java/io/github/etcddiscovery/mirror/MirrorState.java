package io.github.etcddiscovery.mirror;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link PrefixMirror} follows etcd, at one moment: an immutable snapshot for health,
 * metrics and the actuator, replaced by the mirror whenever any of it changes.
 *
 * @param revision the etcd revision the mirror has applied
 * @param confirmed whether a member with a leader answered for the mirror since it last
 * could not be sure to follow etcd (a listing, a watch response)
 * @param notConfirmedSince since when it is not confirmed; null while it is
 * @param notConfirmedReason why it is not confirmed; null while it is
 * @param lastError the last failure of a listing or a watch; null after a listing that worked
 * @param lastListed when the prefix was last listed in full; null before the first listing
 * @param watchGeneration how many watches were started or dropped: responses of older ones
 * are ignored
 * @param failedListings listings that failed in a row, which the backoff grows with
 */
public record MirrorState(long revision, boolean confirmed, @Nullable Instant notConfirmedSince,
		@Nullable String notConfirmedReason, @Nullable String lastError, @Nullable Instant lastListed,
		long watchGeneration, int failedListings) {
}
