package io.github.etcddiscovery.lease;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Writes one key's value under a lease. The value is encoded from its supplier on every
 * write, since the registration's metadata may have changed; {@link #encode} lets a first
 * write encode it while its lease grant is under way, so that the put goes out the moment the
 * grant is answered (encoding took about a tenth of a millisecond of a registration's path,
 * figure 2 of the benchmarks).
 */
final class KeyWriter {

	private final LeasePort etcd;

	private final LeaseExecutor executor;

	private final String key;

	private final Supplier<byte[]> value;

	KeyWriter(LeasePort etcd, LeaseExecutor executor, String key, Supplier<byte[]> value) {
		this.etcd = etcd;
		this.executor = executor;
		this.key = key;
		this.value = value;
	}

	/** The current value, encoded now, or why it cannot be. */
	Encoded encode() {
		try {
			return new Encoded(this.value.get(), null);
		}
		catch (RuntimeException ex) {
			return new Encoded(new byte[0], ex);
		}
	}

	/** Writes the current value; {@code written} gets the revision of the write. */
	void put(long lease, Consumer<Long> written, Consumer<RuntimeException> failed) {
		put(lease, encode(), written, failed);
	}

	/** Writes {@code encoded}; {@code written} gets the revision of the write. */
	void put(long lease, Encoded encoded, Consumer<Long> written, Consumer<RuntimeException> failed) {
		if (encoded.failure() != null) {
			failed.accept(encoded.failure());
			return;
		}
		this.executor.call(this.etcd.put(this.key, encoded.bytes(), lease), "Writing " + this.key, written, failed);
	}

	/**
	 * Writes {@code encoded} under {@code lease}, granted for it; when the value could not be
	 * encoded, that lease is revoked, as nothing will keep it (the retry grants another).
	 */
	void putUnderNewLease(long lease, Encoded encoded, Consumer<Long> written, Consumer<RuntimeException> failed) {
		if (encoded.failure() != null) {
			this.etcd.revoke(lease);
		}
		put(lease, encoded, written, failed);
	}

	/** A value as it is to be written, or why it could not be encoded. */
	record Encoded(byte[] bytes, @Nullable RuntimeException failure) {
	}

}
