package io.github.etcddiscovery.discovery;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscribers of one service's pushed load-balancer lists, as {@link IdleRelease} sees
 * them: while one is subscribed the service is never released, and each subscription counts
 * as a use (a load balancer subscribes once per request). Every supplier of the service
 * shares this one object. A release is counted, so that a supplier knows the list it replays
 * may be out of date and reads the service again before a subscriber gets it.
 * <p>
 * With {@code watch=all}, or when nothing is ever released, {@link #NEVER_RELEASED} stands in.
 */
public final class ServiceUse {

	/** Nothing is counted: the service is never released. */
	public static final ServiceUse NEVER_RELEASED = new ServiceUse();

	private final AtomicInteger subscribers = new AtomicInteger();

	private final UseMark use = new UseMark();

	private volatile int releases;

	ServiceUse() {
	}

	/** A subscriber came: the service is in use until it leaves. */
	public void subscribed() {
		if (this != NEVER_RELEASED) {
			this.subscribers.incrementAndGet();
			this.use.touch();
		}
	}

	/** A subscriber left (completed, cancelled or failed). */
	public void unsubscribed() {
		if (this != NEVER_RELEASED) {
			this.subscribers.decrementAndGet();
		}
	}

	/** How often the service was released so far: a change means what was held before is gone. */
	public int releases() {
		return this.releases;
	}

	/** Marked by each subscription, cleared by each sweep of {@link IdleRelease}. */
	UseMark use() {
		return this.use;
	}

	boolean hasSubscribers() {
		return this.subscribers.get() > 0;
	}

	/** Only {@link IdleRelease}'s thread counts releases. */
	void released() {
		this.releases++;
	}

}
