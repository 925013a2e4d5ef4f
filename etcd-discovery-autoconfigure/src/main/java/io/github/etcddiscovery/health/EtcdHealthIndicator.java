package io.github.etcddiscovery.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.etcddiscovery.client.EtcdConnectionDetails;
import io.github.etcddiscovery.config.EtcdConfigSnapshot;
import io.github.etcddiscovery.config.EtcdConfigWatch;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.lease.LeaseSnapshot;
import io.github.etcddiscovery.lease.LeaseState;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Reports this application's standing in etcd from what it already knows, without calling
 * etcd: UP while its lease is kept alive, its discovery view follows etcd and (with
 * {@code spring.config.import=etcd:}) its configuration follows etcd; otherwise
 * {@link #ETCD_DOWN}, with the reasons. Details never include credentials nor
 * configuration values.
 * <p>
 * An instance serves while etcd is down (it keeps its last known view, and callers keep
 * theirs), so an etcd problem must not take it out of rotation: whatever reads the
 * application's {@code /actuator/health} (health-check load balancing, orchestrators, load
 * balancers) would otherwise drop every instance at once. Spring Boot's status aggregation
 * ignores the statuses its order does not list, so {@code ETCD_DOWN}, a code of ours that
 * no order lists unless a user adds it, never changes the application's status, whatever
 * {@code management.endpoint.health.status.order} says. A DOWN cannot be kept out of the
 * application's status instead: statuses are aggregated by code alone, and the only way
 * to leave a component out of the root, group membership, would also take
 * {@code /actuator/health/etcd} away. {@code spring.cloud.etcd.health.down-on-outage=true}
 * reports plain DOWN.
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

	/** A problem with etcd that the application's own status does not aggregate. */
	public static final Status ETCD_DOWN = new Status("ETCD_DOWN",
			"etcd problem; this instance keeps serving with its last known view");

	private static final String NOT_COUNTED = "not counted in the application's status ("
			+ EtcdHealthProperties.PREFIX + ".down-on-outage=false): this instance stays in rotation";

	private final EtcdConnectionDetails connection;

	private final boolean downOnOutage;

	private final @Nullable EtcdServiceRegistry registry;

	private final @Nullable EtcdAutoServiceRegistration autoRegistration;

	private final @Nullable EtcdDiscoveryCache cache;

	private final @Nullable EtcdConfigWatch configWatch;

	public EtcdHealthIndicator(EtcdConnectionDetails connection, EtcdHealthProperties healthProperties,
			@Nullable EtcdServiceRegistry registry, @Nullable EtcdAutoServiceRegistration autoRegistration,
			@Nullable EtcdDiscoveryCache cache, @Nullable EtcdConfigWatch configWatch) {
		super("etcd health check failed");
		this.connection = connection;
		this.downOnOutage = healthProperties.isDownOnOutage();
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.cache = cache;
		this.configWatch = configWatch;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> reasons = new ArrayList<>();
		Optional<LeaseSnapshot> lease = lease();
		if (lease.isEmpty() && isWithdrawn()) {
			builder.withDetail("state", "WITHDRAWN")
				.withDetail("key", "removed while the status is "
						+ this.autoRegistration.getRegistration().getStatus() + " (remove-when-not-up)");
		}
		if (lease.isPresent()) {
			LeaseSnapshot snapshot = lease.get();
			builder.withDetail("state", snapshot.state().name())
				.withDetail("leaseId", Long.toHexString(snapshot.leaseId()))
				.withDetail("ttl", snapshot.ttl().toSeconds() + "s")
				.withDetail("remainingTtl", snapshot.remainingTtl().toMillis() / 1000.0 + "s")
				.withDetail("lastKeepAlive", String.valueOf(snapshot.lastKeepAlive()))
				.withDetail("key", snapshot.key())
				.withDetail("recoveries", snapshot.recoveries());
			if (snapshot.lastError() != null) {
				builder.withDetail("lastError", snapshot.lastError());
			}
			if (!snapshot.isActive()) {
				reasons.add(((snapshot.state() == LeaseState.ACTIVE) ? "no keep-alive answer from etcd within the TTL"
						: "registration " + snapshot.state().name())
						+ ((snapshot.lastError() != null) ? ": " + snapshot.lastError() : ""));
			}
		}
		if (this.cache != null) {
			Map<String, Object> discovery = new LinkedHashMap<>();
			discovery.put("watching", this.cache.isConnected());
			discovery.put("revision", this.cache.getRevision());
			discovery.put("services", this.cache.services().size());
			if (!this.cache.isConnected()) {
				discovery.put("view", "serving the last known instances: not confirmed by an etcd member with a leader");
				discovery.put("notConfirmedSince", String.valueOf(this.cache.getNotConfirmedSince()));
				if (this.cache.getNotConfirmedReason() != null) {
					discovery.put("reason", this.cache.getNotConfirmedReason());
				}
				if (this.cache.getLastError() != null) {
					discovery.put("lastError", this.cache.getLastError());
				}
				reasons.add("discovery does not follow etcd"
						+ ((this.cache.getLastError() != null) ? ": " + this.cache.getLastError() : ""));
			}
			builder.withDetail("discovery", discovery);
		}
		if (this.configWatch != null) {
			builder.withDetail("config", config(this.configWatch));
			if (!this.configWatch.isFollowing()) {
				reasons.add("configuration does not follow etcd"
						+ ((this.configWatch.getLastError() != null) ? ": " + this.configWatch.getLastError() : ""));
			}
		}
		builder.withDetail("endpoints", this.connection.displayEndpoints());
		if (reasons.isEmpty()) {
			builder.up();
		}
		else if (this.downOnOutage) {
			builder.down().withDetail("reasons", reasons);
		}
		else {
			builder.status(ETCD_DOWN).withDetail("reasons", reasons).withDetail("impact", NOT_COUNTED);
		}
	}

	private static Map<String, Object> config(EtcdConfigWatch watch) {
		Map<String, Object> config = new LinkedHashMap<>();
		EtcdConfigSnapshot snapshot = watch.getSnapshot();
		config.put("following", watch.isFollowing());
		config.put("revision", snapshot.revision());
		config.put("contexts", watch.getContexts());
		config.put("properties", snapshot.propertyCount());
		config.put("refreshes", watch.getRefreshes());
		if (watch.getLastRefresh() != null) {
			config.put("lastRefresh", String.valueOf(watch.getLastRefresh()));
		}
		if (!watch.isFollowing()) {
			config.put("configuration", snapshot.isLoaded()
					? "serving the last good configuration (revision " + snapshot.revision() + ") until etcd answers"
					: "not loaded yet: etcd has not answered since startup");
			if (watch.getLastError() != null) {
				config.put("lastError", watch.getLastError());
			}
		}
		return config;
	}

	private boolean isWithdrawn() {
		return this.registry != null && this.autoRegistration != null && this.autoRegistration.isRunning()
				&& this.registry.isWithdrawn(this.autoRegistration.getRegistration());
	}

	private Optional<LeaseSnapshot> lease() {
		if (this.registry == null || this.autoRegistration == null || !this.autoRegistration.isRunning()) {
			return Optional.empty();
		}
		return this.registry.lease(this.autoRegistration.getRegistration());
	}

}
