package io.github.etcddiscovery.mirror;

/**
 * One change under the mirrored prefix, as a watch delivered it.
 *
 * @param type whether the key was written or deleted
 * @param entry the key, its new value (empty for a deletion) and the revision of the change
 */
public record MirrorEvent(Type type, MirrorEntry entry) {

	/** What happened to the key. */
	public enum Type {

		/** Created or overwritten. */
		PUT,

		/** Deleted, or its lease expired. */
		DELETE

	}

}
