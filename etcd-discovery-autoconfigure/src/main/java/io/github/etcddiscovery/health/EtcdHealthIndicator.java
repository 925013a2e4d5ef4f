package io.github.etcddiscovery.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.lease.LeaseSnapshot;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports this application's standing in etcd from what it already knows, without calling
 * etcd: UP while its lease is kept alive and its discovery view follows etcd; DOWN when the
 * lease is lost or etcd cannot be reached. Details never include credentials.
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

	private final EtcdProperties etcdProperties;

	private final @Nullable EtcdServiceRegistry registry;

	private final @Nullable EtcdAutoServiceRegistration autoRegistration;

	private final @Nullable EtcdDiscoveryCache cache;

	public EtcdHealthIndicator(EtcdProperties etcdProperties, @Nullable EtcdServiceRegistry registry,
			@Nullable EtcdAutoServiceRegistration autoRegistration, @Nullable EtcdDiscoveryCache cache) {
		super("etcd health check failed");
		this.etcdProperties = etcdProperties;
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.cache = cache;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean up = true;
		Optional<LeaseSnapshot> lease = lease();
		if (lease.isPresent()) {
			LeaseSnapshot snapshot = lease.get();
			up = snapshot.isActive();
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
			}
			builder.withDetail("discovery", discovery);
			up = up && this.cache.isConnected();
		}
		builder.withDetail("endpoints", this.etcdProperties.displayEndpoints());
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

	private Optional<LeaseSnapshot> lease() {
		if (this.registry == null || this.autoRegistration == null || !this.autoRegistration.isRunning()) {
			return Optional.empty();
		}
		return this.registry.lease(this.autoRegistration.getRegistration());
	}

}
