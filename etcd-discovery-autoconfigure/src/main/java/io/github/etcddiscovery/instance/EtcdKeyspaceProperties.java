package io.github.etcddiscovery.instance;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Where instances are stored: the one setting registration and discovery share. Bound to the
 * same {@code spring.cloud.etcd.discovery} prefix as their own settings, so that keys users
 * set stay where they are; checked when Boot binds it.
 */
@ConfigurationProperties(EtcdKeyspaceProperties.PREFIX)
public class EtcdKeyspaceProperties implements Validator {

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
	public boolean supports(Class<?> type) {
		return EtcdKeyspaceProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		InvalidEtcdPropertyException.rejectInto(errors, ((EtcdKeyspaceProperties) target)::check);
	}

	private void check() {
		if (this.prefix == null || !this.prefix.trim().startsWith("/") || this.prefix.trim().equals("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".prefix", this.prefix,
					"it must start with a slash and name a directory",
					"Set " + PREFIX + ".prefix to a path such as /services.");
		}
	}

}
