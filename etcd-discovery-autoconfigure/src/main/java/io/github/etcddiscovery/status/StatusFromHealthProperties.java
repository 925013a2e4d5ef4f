package io.github.etcddiscovery.status;

import java.time.Duration;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.client.SelfValidatingProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Whether and how the application's health drives its registered status.
 */
@ConfigurationProperties(StatusFromHealthProperties.PREFIX)
public class StatusFromHealthProperties extends SelfValidatingProperties {

	public static final String PREFIX = "spring.cloud.etcd.discovery.status-from-health";

	/** The health group used when none is configured: every component except etcd. */
	public static final String DEFAULT_GROUP = "etcd-registration";

	/**
	 * Whether the application's health drives the registered status: DOWN while it is not
	 * UP, UP again when it is. A status set by hand other than UP wins.
	 */
	private boolean enabled = false;

	/**
	 * Upper bound for a change of health to reach the registered status. Health is checked
	 * three times per interval; a change counts once two checks in a row agree.
	 */
	private Duration interval = Duration.ofSeconds(5);

	/**
	 * Health group whose status drives the registered status. Defaults to the readiness
	 * state together with a group of every health component except etcd itself
	 * (management.endpoint.health.group.etcd-registration).
	 */
	private @Nullable String group;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public @Nullable String getGroup() {
		return this.group;
	}

	public void setGroup(@Nullable String group) {
		this.group = group;
	}

	/** Checks run every interval / 3: below 300 ms that would be a busy loop on the health endpoint. */
	@Override
	protected void check() {
		if (this.interval == null || this.interval.compareTo(Duration.ofMillis(300)) < 0) {
			throw new InvalidEtcdPropertyException(PREFIX + ".interval", this.interval,
					"it must be at least 300ms: health is checked three times per interval",
					"Set " + PREFIX + ".interval to 300ms or more (default 5s).");
		}
	}

}
