package io.github.etcddiscovery.discovery;

import java.time.Duration;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.client.SelfValidatingProperties;
import io.github.etcddiscovery.instance.EtcdKeyspaceProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How this application discovers others: what it reads from etcd and how it answers. What
 * it publishes about itself is {@code EtcdRegistrationProperties}, where instances live is
 * {@link EtcdKeyspaceProperties}; all keep the {@code spring.cloud.etcd.discovery} prefix
 * users know. Checked when Boot binds it.
 */
@ConfigurationProperties(EtcdDiscoveryProperties.PREFIX)
public class EtcdDiscoveryProperties extends SelfValidatingProperties {

	public static final String PREFIX = EtcdKeyspaceProperties.PREFIX;

	/** The shortest {@code release-unused-after} that is not 0 (never). */
	static final Duration MIN_RELEASE_UNUSED_AFTER = Duration.ofSeconds(1);

	/**
	 * Whether service discovery and registration through etcd are enabled.
	 */
	private boolean enabled = true;

	/**
	 * Whether discovery also returns instances whose status is not UP (OUT_OF_SERVICE,
	 * DOWN, ...).
	 */
	private boolean includeNotUpInstances = false;

	/**
	 * How often to check that the discovery view still matches etcd, as a safety net
	 * against lost watch events. The check costs two small requests (a count, and a
	 * keys-only read of at most one key); the view is listed again only when it drifted.
	 */
	private Duration resyncInterval = Duration.ofSeconds(60);

	/**
	 * Order of this discovery client among others in a composite.
	 */
	private int order = 0;

	/**
	 * What this application holds in memory: "all" mirrors every instance under the prefix
	 * with one watch, started with the application; "per-service" watches only the services
	 * it looks up, each from its first lookup on, and answers getServices() with a keys-only
	 * read of the prefix.
	 */
	private Watch watch = Watch.ALL;

	/**
	 * With watch=per-service, how long a service may go unused before its watch is stopped and
	 * its instances dropped from memory: no lookup and no subscriber of its load-balanced
	 * instance list (a load-balanced call counts as a use) for that long. A lookup after that
	 * watches it again, as the first lookup did. 0 keeps every service looked up until the
	 * application stops.
	 */
	private Duration releaseUnusedAfter = Duration.ofMinutes(10);

	@Override
	protected void check() {
		if (this.resyncInterval == null || this.resyncInterval.isZero() || this.resyncInterval.isNegative()) {
			throw new InvalidEtcdPropertyException(PREFIX + ".resync-interval", this.resyncInterval,
					"it must be positive", "Set " + PREFIX + ".resync-interval to a duration such as 60s.");
		}
		if (this.releaseUnusedAfter == null || this.releaseUnusedAfter.isNegative()) {
			throw new InvalidEtcdPropertyException(PREFIX + ".release-unused-after", this.releaseUnusedAfter,
					"it must not be negative", "Set " + PREFIX
							+ ".release-unused-after to a duration such as 10m, or to 0 to keep every service looked up.");
		}
		if (!this.releaseUnusedAfter.isZero() && this.releaseUnusedAfter.compareTo(MIN_RELEASE_UNUSED_AFTER) < 0) {
			throw new InvalidEtcdPropertyException(PREFIX + ".release-unused-after", this.releaseUnusedAfter,
					"it is shorter than " + MIN_RELEASE_UNUSED_AFTER.toSeconds()
							+ "s, so services would be watched again and again between lookups",
					"Set " + PREFIX + ".release-unused-after to " + MIN_RELEASE_UNUSED_AFTER.toSeconds()
							+ "s or more (10m by default), or to 0 to keep every service looked up.");
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isIncludeNotUpInstances() {
		return this.includeNotUpInstances;
	}

	public void setIncludeNotUpInstances(boolean includeNotUpInstances) {
		this.includeNotUpInstances = includeNotUpInstances;
	}

	public Duration getResyncInterval() {
		return this.resyncInterval;
	}

	public void setResyncInterval(Duration resyncInterval) {
		this.resyncInterval = resyncInterval;
	}

	public Duration getReleaseUnusedAfter() {
		return this.releaseUnusedAfter;
	}

	public void setReleaseUnusedAfter(Duration releaseUnusedAfter) {
		this.releaseUnusedAfter = releaseUnusedAfter;
	}

	public Watch getWatch() {
		return this.watch;
	}

	public void setWatch(Watch watch) {
		this.watch = watch;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	/** What the discovery view holds, set by {@code spring.cloud.etcd.discovery.watch}. */
	public enum Watch {

		/** Every instance under the prefix, with one watch started with the application. */
		ALL,

		/** Only the services this application looks up, each with its own watch from its first lookup. */
		PER_SERVICE

	}

	@Override
	public String toString() {
		return "EtcdDiscoveryProperties{enabled=" + this.enabled + ", includeNotUpInstances="
				+ this.includeNotUpInstances + ", resyncInterval=" + this.resyncInterval + ", order=" + this.order
				+ ", watch=" + this.watch + ", releaseUnusedAfter=" + this.releaseUnusedAfter + "}";
	}

}
