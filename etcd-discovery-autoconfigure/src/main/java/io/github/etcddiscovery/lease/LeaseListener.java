package io.github.etcddiscovery.lease;

/**
 * Told what happens to a {@link LeasedKey}, for metrics and the like. Called on the
 * registration's executor, where its state changes: implementations only record, quickly,
 * and never call etcd.
 */
public interface LeaseListener {

	/** Listens to nothing. */
	LeaseListener NONE = new LeaseListener() {
	};

	/** The first registration of the key starts. */
	default void registering(String key) {
	}

	/** The key's life cycle moved from one state to another. */
	default void stateChanged(String key, LeaseState from, LeaseState to) {
	}

	/** A keep-alive of the key's lease failed (jetcd retries, or gave up). */
	default void keepAliveFailed(String key) {
	}

}
