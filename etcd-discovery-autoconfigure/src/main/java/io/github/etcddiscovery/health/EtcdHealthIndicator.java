package io.github.etcddiscovery.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.config.EtcdConfigSnapshot;
import io.github.etcddiscovery.config.EtcdConfigWatch;
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
 * lease is lost or etcd cannot be reached. With {@code spring.config.import=etcd:}, also whether
 * the configuration follows etcd or the last good one is served. Details never include
 * credentials nor configuration values.
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

	private final EtcdProperties etcdProperties;

	private final @Nullable EtcdServiceRegistry registry;

	private final @Nullable EtcdAutoServiceRegistration autoRegistration;

	private final @Nullable EtcdDiscoveryCache cache;

	private final @Nullable EtcdConfigWatch configWatch;

	public EtcdHealthIndicator(EtcdProperties etcdProperties, @Nullable EtcdServiceRegistry registry,
			@Nullable EtcdAutoServiceRegistration autoRegistration, @Nullable EtcdDiscoveryCache cache) {
		this(etcdProperties, registry, autoRegistration, cache, null);
	}

	public EtcdHealthIndicator(EtcdProperties etcdProperties, @Nullable EtcdServiceRegistry registry,
			@Nullable EtcdAutoServiceRegistration autoRegistration, @Nullable EtcdDiscoveryCache cache,
			@Nullable EtcdConfigWatch configWatch) {
		super("etcd health check failed");
		this.etcdProperties = etcdProperties;
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.cache = cache;
		this.configWatch = configWatch;
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
				discovery.put("view", "serving the last known instances until etcd answers");
				if (this.cache.getLastError() != null) {
					discovery.put("lastError", this.cache.getLastError());
				}
			}
			builder.withDetail("discovery", discovery);
			up = up && this.cache.isConnected();
		}
		if (this.configWatch != null) {
			builder.withDetail("config", config(this.configWatch));
			up = up && this.configWatch.isFollowing();
		}
		builder.withDetail("endpoints", this.etcdProperties.displayEndpoints());
		if (up) {
			builder.up();
		}
		else {
			builder.down();
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

	private Optional<LeaseSnapshot> lease() {
		if (this.registry == null || this.autoRegistration == null || !this.autoRegistration.isRunning()) {
			return Optional.empty();
		}
		return this.registry.lease(this.autoRegistration.getRegistration());
	}

}
