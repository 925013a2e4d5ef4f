package io.github.etcddiscovery.config;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.client.SelfValidatingProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * Where {@code spring.config.import=etcd:} reads properties from. Bound at config data time
 * (before the application context exists), from the same environment as every other setting.
 */
@ConfigurationProperties(EtcdConfigProperties.PREFIX)
public class EtcdConfigProperties extends SelfValidatingProperties {

	public static final String PREFIX = "spring.cloud.etcd.config";

	/**
	 * Whether an etcd: import reads etcd; when false the import adds nothing.
	 */
	private boolean enabled = true;

	/**
	 * Key prefix under which the contexts live: {prefix}/{application},{profile}/ and so on.
	 */
	private String prefix = "/config";

	/**
	 * Name of the context every application reads, after its own.
	 */
	private String defaultContext = "application";

	/**
	 * Separator between the application (or default context) name and the profile in a
	 * context name, as in /config/orders,dev/.
	 */
	private String profileSeparator = ",";

	/**
	 * How a context holds its properties: key-value (one key per property), yaml or properties
	 * (one key per context, data-key, holding a whole document).
	 */
	private EtcdConfigFormat format = EtcdConfigFormat.KEY_VALUE;

	/**
	 * Key under each context holding the document, with format yaml or properties.
	 */
	private String dataKey = "data";

	/**
	 * Whether startup fails when etcd cannot be reached (unless the import is optional:etcd:).
	 * When false, the application starts without etcd's properties and receives them once etcd
	 * answers.
	 */
	private boolean failFast = true;

	private final Watch watch = new Watch();

	/** Fails at startup, naming the property and its fix, on values that cannot work. */
	@Override
	protected void check() {
		if (!StringUtils.hasText(this.prefix) || !this.prefix.startsWith("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".prefix", this.prefix, "it must start with '/'",
					"Set " + PREFIX + ".prefix to a key prefix such as /config.");
		}
		if (!StringUtils.hasText(this.defaultContext) || this.defaultContext.contains("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".default-context", this.defaultContext,
					"it must be a non-empty name without '/'", "Set it to a name such as application.");
		}
		if (!StringUtils.hasLength(this.profileSeparator) || this.profileSeparator.contains("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".profile-separator", this.profileSeparator,
					"it must be non-empty and without '/'", "Set it to ',' (the default) or another character.");
		}
		if (!StringUtils.hasText(this.dataKey) || this.dataKey.contains("/")) {
			throw new InvalidEtcdPropertyException(PREFIX + ".data-key", this.dataKey,
					"it must be a non-empty key name without '/'", "Set it to data (the default) or another name.");
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public String getDefaultContext() {
		return this.defaultContext;
	}

	public void setDefaultContext(String defaultContext) {
		this.defaultContext = defaultContext;
	}

	public String getProfileSeparator() {
		return this.profileSeparator;
	}

	public void setProfileSeparator(String profileSeparator) {
		this.profileSeparator = profileSeparator;
	}

	public EtcdConfigFormat getFormat() {
		return this.format;
	}

	public void setFormat(EtcdConfigFormat format) {
		this.format = format;
	}

	public String getDataKey() {
		return this.dataKey;
	}

	public void setDataKey(String dataKey) {
		this.dataKey = dataKey;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Watch getWatch() {
		return this.watch;
	}

	/**
	 * Pushed changes.
	 */
	public static class Watch {

		/**
		 * Whether to watch the contexts in use and refresh the application (RefreshEvent) when
		 * they change. When false, a refresh (/actuator/refresh) reads etcd again.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
