package io.github.etcddiscovery.mirror;

/**
 * One key under the mirrored prefix as etcd holds it: what a listing returns and what a
 * watch event carries.
 *
 * @param key the key, decoded as UTF-8
 * @param value the value's bytes (empty for a deletion)
 * @param modRevision the revision that last wrote the key (the deletion's, for a deletion)
 */
public record MirrorEntry(String key, byte[] value, long modRevision) {
}
