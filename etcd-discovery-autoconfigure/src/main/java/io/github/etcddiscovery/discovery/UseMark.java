package io.github.etcddiscovery.discovery;

/**
 * Whether something was used since {@link IdleRelease} last looked: a mark that a use sets
 * and each sweep clears. A use costs a read of one volatile field and, at most once per sweep,
 * a write: no lock, no allocation, no clock read, so it can sit on the lookup path.
 */
final class UseMark {

	/** New things count as just used: a sweep starts timing them from the moment it sees them. */
	private volatile boolean used = true;

	void touch() {
		if (!this.used) {
			this.used = true;
		}
	}

	/** Whether a use came since the last call; clears the mark. */
	boolean take() {
		boolean usedSinceLastCall = this.used;
		if (usedSinceLastCall) {
			this.used = false;
		}
		return usedSinceLastCall;
	}

	/** Whether a use came since the last {@link #take()}, without clearing the mark. */
	boolean isSet() {
		return this.used;
	}

}
