package io.github.etcddiscovery.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * How to reach etcd. Shared by registration and discovery.
 */
@ConfigurationProperties(EtcdProperties.PREFIX)
public class EtcdProperties extends SelfValidatingProperties {

	public static final String PREFIX = "spring.cloud.etcd";

	/**
	 * Whether etcd support is enabled at all.
	 */
	private boolean enabled = true;

	/**
	 * etcd client URLs, for example http://etcd-0:2379. The client fails over between them.
	 */
	private List<String> endpoints = new ArrayList<>(List.of("http://localhost:2379"));

	/**
	 * Key prefix the client applies to every key it reads or writes, to share one etcd
	 * between teams or environments.
	 */
	private @Nullable String namespace;

	/**
	 * User name for etcd authentication.
	 */
	private @Nullable String username;

	/**
	 * Password for etcd authentication. Never logged nor shown.
	 */
	private @Nullable String password;

	/**
	 * How long to wait for a connection to an etcd endpoint.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Upper bound for every single etcd request; nothing waits longer on an unreachable etcd.
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Whether every etcd call and stream asks for a member that has a leader. A member cut
	 * off from the rest of its cluster then refuses at once (and ends open watches and
	 * keep-alives after a few election timeouts), so that the client moves on to another
	 * endpoint instead of waiting on it or silently receiving nothing.
	 */
	private boolean requireLeader = true;

	/**
	 * Whether jetcd runs the callbacks of answers and watch events on its connection's event
	 * loop (jetcd's useVertx()), one thread hand-off fewer for each than on jetcd's default
	 * pool. Code of yours that uses the starter's Client must then not block in its
	 * callbacks: continue on an executor of your own.
	 */
	private boolean eventLoopCallbacks = true;

	private final Ssl ssl = new Ssl();

	/**
	 * Fails fast, with a message naming the property and its fix, on values that cannot work.
	 */
	@Override
	protected void check() {
		if (this.endpoints == null || this.endpoints.isEmpty()
				|| this.endpoints.stream().allMatch(e -> !StringUtils.hasText(e))) {
			throw new InvalidEtcdPropertyException(PREFIX + ".endpoints", "[]", "no etcd endpoint is configured",
					"Set " + PREFIX + ".endpoints to the client URL of your etcd, e.g. http://localhost:2379.");
		}
		for (String endpoint : this.endpoints) {
			validateEndpoint(endpoint);
		}
		requirePositive(PREFIX + ".connect-timeout", this.connectTimeout);
		requirePositive(PREFIX + ".request-timeout", this.requestTimeout);
		validateTls();
	}

	/**
	 * jetcd opens one channel for all endpoints, TLS or not: a mix cannot work, and a bundle
	 * on plain http would be silently ignored.
	 */
	private void validateTls() {
		List<URI> uris = endpointUris();
		boolean anyHttps = uris.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
		boolean anyHttp = uris.stream().anyMatch(u -> "http".equalsIgnoreCase(u.getScheme()));
		if (anyHttps && anyHttp) {
			throw new InvalidEtcdPropertyException(PREFIX + ".endpoints", displayEndpoints(),
					"it mixes http and https endpoints", "Use https:// for every endpoint of a TLS-enabled etcd, "
							+ "or http:// for every endpoint of a plain one.");
		}
		if (anyHttp && StringUtils.hasText(this.ssl.getBundle())) {
			throw new InvalidEtcdPropertyException(PREFIX + ".ssl.bundle", this.ssl.getBundle(),
					"the endpoints use http, so the bundle would not be used",
					"Change " + PREFIX + ".endpoints to https:// URLs, or remove " + PREFIX + ".ssl.bundle.");
		}
	}

	/** Whether the endpoints are https, i.e. the client talks TLS. */
	public boolean usesTls() {
		return endpointUris().stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
	}

	private static void validateEndpoint(String endpoint) {
		String fix = "Use a URL of the form http://host:2379 or https://host:2379.";
		URI uri;
		try {
			uri = URI.create(endpoint.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEtcdPropertyException(PREFIX + ".endpoints", endpoint, "it is not a valid URL", fix);
		}
		if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
			throw new InvalidEtcdPropertyException(PREFIX + ".endpoints", endpoint,
					"the scheme must be http or https", fix);
		}
		if (uri.getHost() == null || uri.getPort() == 0 || uri.getPort() > 65535) {
			throw new InvalidEtcdPropertyException(PREFIX + ".endpoints", endpoint, "it has no valid host and port",
					fix);
		}
	}

	static void requirePositive(String property, @Nullable Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidEtcdPropertyException(property, value, "it must be positive",
					"Set " + property + " to a positive duration such as 5s, or remove it to use the default.");
		}
	}

	/**
	 * The endpoints as URIs, without any user info, safe to show in logs and health.
	 */
	public List<URI> endpointUris() {
		return this.endpoints.stream().filter(StringUtils::hasText).map(e -> URI.create(e.trim())).toList();
	}

	public List<String> displayEndpoints() {
		return endpointUris().stream().map(u -> u.getScheme() + "://" + u.getHost() + ":" + u.getPort()).toList();
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<String> endpoints) {
		this.endpoints = endpoints;
	}

	public @Nullable String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public boolean isRequireLeader() {
		return this.requireLeader;
	}

	public void setRequireLeader(boolean requireLeader) {
		this.requireLeader = requireLeader;
	}

	public boolean isEventLoopCallbacks() {
		return this.eventLoopCallbacks;
	}

	public void setEventLoopCallbacks(boolean eventLoopCallbacks) {
		this.eventLoopCallbacks = eventLoopCallbacks;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	@Override
	public String toString() {
		return "EtcdProperties{enabled=" + this.enabled + ", endpoints=" + displayEndpoints() + ", namespace="
				+ this.namespace + ", username=" + this.username + ", password="
				+ (this.password == null ? "null" : "******") + ", connectTimeout=" + this.connectTimeout
				+ ", requestTimeout=" + this.requestTimeout + ", requireLeader=" + this.requireLeader + ", ssl.bundle=" + this.ssl.getBundle() + "}";
	}

	/**
	 * TLS to etcd, through a Spring Boot SSL bundle.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.* or spring.ssl.bundle.jks.*) that
		 * verifies etcd's certificate and, when it has a key, authenticates this client to
		 * etcd (mutual TLS). Without it, https endpoints are verified against the JVM's
		 * default trust store.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
