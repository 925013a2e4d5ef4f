package io.github.etcddiscovery.instance;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.client.SelfValidatingProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where instances are stored: the one setting registration and discovery share. Bound to the
 * same {@code spring.cloud.etcd.discovery} prefix as their own settings, so that keys users
 * set stay where they are; checked when Boot binds it.
 */
@ConfigurationProperties(EtcdKeyspaceProperties.PREFIX)
public class EtcdKeyspaceProperties extends SelfValidatingProperties {

	/** The prefix of every registration and discovery setting. */
	public static final String PREFIX = "spring.cloud.etcd.discovery";

	/**
	 * Key prefix under which instances are stored as {prefix}/{serviceId}/{instanceId}.
	 */
	private String prefix = "/services";

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	@Override
	protected void check() {
		if (this.prefix == null || !this.prefix.trim().startsWith("/") || this.prefix.trim().equals("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".prefix", this.prefix,
					"it must start with a slash and name a directory",
					"Set " + PREFIX + ".prefix to a path such as /services.");
		}
	}

}
