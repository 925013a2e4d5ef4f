package io.github.etcddiscovery.instance;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The statuses this starter itself decides on; any other ({@code OUT_OF_SERVICE}, say, set
 * through {@code /actuator/serviceregistry}) is kept as written. Stored as plain strings so
 * that other writers may use their own.
 */
public final class InstanceStatus {

	public static final String UP = "UP";

	public static final String DOWN = "DOWN";

	private InstanceStatus() {
	}

	/**
	 * Upper case, with {@code UP} for a missing status: a writer that does not know about
	 * statuses only registers instances that serve.
	 */
	public static String normalize(@Nullable String status) {
		if (status == null || status.isBlank()) {
			return UP;
		}
		return status.trim().toUpperCase(Locale.ROOT);
	}

	public static boolean isUp(String status) {
		return UP.equals(status);
	}

}
