package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * {@code release-unused-after} with {@code watch=per-service}: finds the services held that
 * nothing used for that long, so that {@link ServiceWatches} stops watching them. A use is a
 * lookup (any {@code getInstances}, blocking or reactive, or a supplier's first read) or a
 * subscription to the service's pushed load-balancer list; a service with a subscriber is
 * never released, however long ago its last lookup was.
 * <p>
 * Uses only set a mark ({@link UseMark}); one thread of its own sweeps every quarter of the
 * idle time, clears the marks it finds and hands on the services it found unmarked for the
 * whole idle time: a service is released between the idle time and a quarter more after its
 * last use. The decision is checked again under the watch's lock ({@link ServiceWatches}), so
 * that a lookup racing the release either reads the watch or starts a new one.
 */
final class IdleRelease implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final long afterNanos;

	private final ConcurrentHashMap<String, ServiceUse> uses = new ConcurrentHashMap<>();

	private final @Nullable ScheduledExecutorService sweeper;

	/**
	 * @param after how long a service may go unused; zero for never
	 * @param held the watches held right now
	 * @param release releases one watch found idle (checking again under its lock)
	 */
	IdleRelease(Duration after, Supplier<Collection<ServiceWatch>> held, Consumer<ServiceWatch> release) {
		this.afterNanos = after.toNanos();
		if (after.isZero() || after.isNegative()) {
			this.sweeper = null;
			return;
		}
		this.sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "etcd-discovery-release");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, after.toMillis() / 4);
		this.sweeper.scheduleWithFixedDelay(() -> {
			try {
				sweep(held.get(), release);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not release the services not used for " + after + ": " + ex, ex);
			}
		}, period, period, TimeUnit.MILLISECONDS);
	}

	/** The subscribers of a service's pushed lists, shared by every supplier of the service. */
	ServiceUse use(String canonical) {
		return (this.sweeper != null) ? this.uses.computeIfAbsent(canonical, (id) -> new ServiceUse())
				: ServiceUse.NEVER_RELEASED;
	}

	/** Whether the watch is in use right now, without clearing any mark: the check under its lock. */
	boolean inUse(ServiceWatch watch) {
		ServiceUse use = this.uses.get(watch.canonical());
		return watch.use().isSet() || (use != null && (use.use().isSet() || use.hasSubscribers()));
	}

	/** Counts a release, for the suppliers of the service. Called under the watch's lock. */
	void released(ServiceWatch watch) {
		ServiceUse use = this.uses.get(watch.canonical());
		if (use != null) {
			use.released();
		}
	}

	private void sweep(Collection<ServiceWatch> watches, Consumer<ServiceWatch> release) {
		long now = System.nanoTime();
		for (ServiceWatch watch : watches) {
			ServiceUse use = this.uses.get(watch.canonical());
			boolean looked = watch.use().take();
			boolean subscribed = use != null && (use.use().take() | use.hasSubscribers());
			if (looked || subscribed || watch.lastSeenUsed == 0) {
				watch.lastSeenUsed = now;
			}
			else if (now - watch.lastSeenUsed >= this.afterNanos && watch.ready()) {
				release.accept(watch);
			}
		}
	}

	@Override
	public void close() {
		if (this.sweeper != null) {
			this.sweeper.shutdownNow();
		}
	}

}
