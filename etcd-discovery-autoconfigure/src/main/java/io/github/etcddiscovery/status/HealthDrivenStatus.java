package io.github.etcddiscovery.status;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Lets the application's health drive its registered status, so that callers stop choosing
 * an instance that is running but not healthy (its database is gone, say).
 * <p>
 * The rule against flapping: health is checked every {@code interval / 3}, and the
 * registered status changes only when two checks in a row agree on a new answer. A single
 * failed (or recovered) check changes nothing; a lasting change reaches etcd within
 * {@code interval}. A status set by hand other than {@code UP} wins (see
 * {@link io.github.etcddiscovery.registry.EtcdRegistration#getStatus()}).
 */
public class HealthDrivenStatus implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

	/** Checks in a row that must agree before the status changes. */
	static final int AGREEING_CHECKS = 2;

	private static final Log logger = LogFactory.getLog(HealthDrivenStatus.class);

	private final EtcdServiceRegistry registry;

	private final EtcdAutoServiceRegistration autoRegistration;

	private final HealthEndpoint health;

	private final @Nullable ApplicationAvailability availability;

	private final String group;

	private final long periodMillis;

	private final ScheduledExecutorService executor;

	private final AtomicBoolean started = new AtomicBoolean();

	// Executor-confined.
	private boolean applied = true;

	private boolean lastSeen = true;

	private int agreeing = AGREEING_CHECKS;

	/**
	 * @param availability the readiness state to take into account, null to use the group alone
	 */
	public HealthDrivenStatus(EtcdServiceRegistry registry, EtcdAutoServiceRegistration autoRegistration,
			HealthEndpoint health, @Nullable ApplicationAvailability availability, String group,
			StatusFromHealthProperties properties) {
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.health = health;
		this.availability = availability;
		this.group = group;
		this.periodMillis = Math.max(100, properties.getInterval().toMillis() / 3);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-status-from-health-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadScheduledExecutor(threads);
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.started.compareAndSet(false, true)) {
			this.executor.scheduleWithFixedDelay(this::check, this.periodMillis, this.periodMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	private void check() {
		if (!this.autoRegistration.isRunning()) {
			return;
		}
		boolean healthy = isHealthy();
		if (healthy != this.lastSeen) {
			this.lastSeen = healthy;
			this.agreeing = 1;
		}
		else if (this.agreeing < AGREEING_CHECKS) {
			this.agreeing++;
		}
		if (this.agreeing >= AGREEING_CHECKS && healthy != this.applied) {
			this.applied = healthy;
			logger.info("Health of " + this.autoRegistration.getRegistration().getInstanceId() + " is "
					+ (healthy ? "UP again" : "no longer UP") + " (" + describe() + "), registering it as "
					+ (healthy ? "UP" : "DOWN") + " unless a status set by hand says otherwise");
			this.registry.setHealthy(this.autoRegistration.getRegistration(), healthy);
		}
	}

	private boolean isHealthy() {
		try {
			if (this.availability != null
					&& this.availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
				return false;
			}
			HealthDescriptor descriptor = this.health.healthForPath(this.group);
			return descriptor != null && Status.UP.equals(descriptor.getStatus());
		}
		catch (RuntimeException ex) {
			logger.debug("Health check for the registered status failed: " + ex);
			return false;
		}
	}

	private String describe() {
		return (this.availability != null) ? "readiness and health group '" + this.group + "'"
				: "health group '" + this.group + "'";
	}

}
