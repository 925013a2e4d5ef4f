package io.github.etcddiscovery.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How {@code /actuator/health/etcd} reports a problem with etcd, and so whether such a
 * problem can change the application's own status.
 */
@ConfigurationProperties(EtcdHealthProperties.PREFIX)
public class EtcdHealthProperties {

	public static final String PREFIX = "spring.cloud.etcd.health";

	/**
	 * Whether a problem with etcd (lease lost, etcd unreachable, discovery not following
	 * etcd) is reported as DOWN, which makes the application's /actuator/health DOWN (HTTP
	 * 503): during an etcd outage every instance then fails its health checks at once. By
	 * default it is reported as ETCD_DOWN, a status the application's health does not
	 * aggregate, since the instance still serves with its last known view.
	 */
	private boolean downOnOutage = false;

	public boolean isDownOnOutage() {
		return this.downOnOutage;
	}

	public void setDownOnOutage(boolean downOnOutage) {
		this.downOnOutage = downOnOutage;
	}

}
