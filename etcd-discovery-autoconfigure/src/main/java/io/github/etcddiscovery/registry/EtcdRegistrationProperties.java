package io.github.etcddiscovery.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import io.github.etcddiscovery.client.SelfValidatingProperties;
import io.github.etcddiscovery.instance.EtcdKeyspaceProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What this application publishes about itself in etcd: whether and under which name,
 * address and metadata it registers, and how its lease lives and ends. What it reads is
 * {@code EtcdRegistrationProperties}; both keep the {@code spring.cloud.etcd.discovery} prefix
 * users know. Checked when Boot binds it.
 */
@ConfigurationProperties(EtcdRegistrationProperties.PREFIX)
public class EtcdRegistrationProperties extends SelfValidatingProperties {

	public static final String PREFIX = EtcdKeyspaceProperties.PREFIX;

	/** etcd cannot keep a lease shorter than this alive. */
	public static final Duration MIN_TTL = Duration.ofSeconds(2);

	/**
	 * Whether to register this application in etcd.
	 */
	private boolean register = true;

	/**
	 * Whether to remove the registration on shutdown. When false, the registration
	 * disappears only when its lease expires.
	 */
	private boolean deregister = true;

	/**
	 * Whether startup fails when etcd cannot be reached. When false, the application starts
	 * and registers in the background as soon as etcd answers.
	 */
	private boolean failFast = false;

	/**
	 * Service name to register under. Defaults to spring.application.name.
	 */
	private @Nullable String serviceName;

	/**
	 * Unique id of this instance within its service. Defaults to a random id per process.
	 */
	private @Nullable String instanceId;

	/**
	 * Host name peers use to reach this instance. Defaults to the host name of the first
	 * non-loopback address (Spring Cloud's InetUtils, steered by spring.cloud.inetutils.*),
	 * or that IP address with prefer-ip-address.
	 */
	private @Nullable String host;

	/**
	 * Whether to register the IP address rather than the host name.
	 */
	private boolean preferIpAddress = false;

	/**
	 * IP address to register when prefer-ip-address is set. Defaults to the first
	 * non-loopback address.
	 */
	private @Nullable String ipAddress;

	/**
	 * Port to register. Defaults to the port the web server listens on. A non-web
	 * application registers only when this is set.
	 */
	private @Nullable Integer port;

	/**
	 * Whether peers should call this instance over https.
	 */
	private boolean secure = false;

	/**
	 * Metadata registered with this instance, visible to peers as
	 * ServiceInstance#getMetadata.
	 */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/**
	 * Zone of this instance, registered as the "zone" metadata entry that Spring Cloud
	 * LoadBalancer's zone preference reads.
	 */
	private @Nullable String zone;

	// Aliases in Spring Cloud Consul's spelling; write-only, documented in the additional metadata.
	private @Nullable String hostnameAlias;

	private @Nullable String instanceZoneAlias;

	/**
	 * Lease time-to-live: how long an instance that died without deregistering stays
	 * visible. At least 2s.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * How long a gracefully stopping instance keeps serving after its deregistration, before
	 * the web server's graceful shutdown stops accepting requests: the time peers need to see
	 * it go (milliseconds on one network) plus a margin for requests they already sent. 0 to
	 * stop at once.
	 */
	private Duration shutdownDelay = Duration.ofMillis(500);

	/**
	 * Whether this instance's key is removed while its status is not UP (and written again,
	 * under a new lease, when it is UP): for fleets with Go clients, whose etcd resolver
	 * ignores the status and would keep calling an OUT_OF_SERVICE instance.
	 */
	private boolean removeWhenNotUp = false;

	@Override
	protected void check() {
		if (this.ttl == null || this.ttl.compareTo(MIN_TTL) < 0) {
			throw new InvalidEtcdPropertyException(PREFIX + ".ttl", this.ttl,
					"etcd does not keep leases shorter than " + MIN_TTL.toSeconds() + "s alive",
					"Set " + PREFIX + ".ttl to 2s or more; 10s is a good default.");
		}
		if (this.shutdownDelay == null || this.shutdownDelay.isNegative()) {
			throw new InvalidEtcdPropertyException(PREFIX + ".shutdown-delay", this.shutdownDelay,
					"it must not be negative", "Set " + PREFIX + ".shutdown-delay to a duration such as 500ms, or 0.");
		}
		if (this.port != null && (this.port < 1 || this.port > 65535)) {
			throw new InvalidEtcdPropertyException(PREFIX + ".port", this.port, "it is out of range 1-65535",
					"Set " + PREFIX + ".port to the port peers should call, or remove it to use the web server's.");
		}
		if (this.instanceId != null) {
			requireKeySegment(PREFIX + ".instance-id", this.instanceId);
		}
		if (this.serviceName != null) {
			requireKeySegment(PREFIX + ".service-name", this.serviceName);
		}
	}

	/** Ids become one segment of the key: a slash would move the instance elsewhere. */
	public static void requireKeySegment(String property, String value) {
		if (value.isBlank() || value.contains("/")) {
			throw new InvalidEtcdPropertyException(property, value, "it must be non-empty and contain no '/'",
					"Set " + property + " to a name without slashes, such as 'orders'.");
		}
	}

	public boolean isRegister() {
		return this.register;
	}

	public void setRegister(boolean register) {
		this.register = register;
	}

	public boolean isDeregister() {
		return this.deregister;
	}

	public void setDeregister(boolean deregister) {
		this.deregister = deregister;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public @Nullable String getServiceName() {
		return this.serviceName;
	}

	public void setServiceName(@Nullable String serviceName) {
		this.serviceName = serviceName;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public @Nullable String getHost() {
		return (this.host != null) ? this.host : this.hostnameAlias;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	/**
	 * Spring Cloud Consul's spelling of {@code host}, so that a migrated configuration keeps
	 * working; {@code host} wins when both are set.
	 * @param hostname the host name peers use to reach this instance
	 */
	public void setHostname(@Nullable String hostname) {
		this.hostnameAlias = hostname;
	}

	public boolean isPreferIpAddress() {
		return this.preferIpAddress;
	}

	public void setPreferIpAddress(boolean preferIpAddress) {
		this.preferIpAddress = preferIpAddress;
	}

	public @Nullable String getIpAddress() {
		return this.ipAddress;
	}

	public void setIpAddress(@Nullable String ipAddress) {
		this.ipAddress = ipAddress;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public boolean isSecure() {
		return this.secure;
	}

	public void setSecure(boolean secure) {
		this.secure = secure;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	public @Nullable String getZone() {
		return (this.zone != null) ? this.zone : this.instanceZoneAlias;
	}

	public void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	/**
	 * Spring Cloud Consul's spelling of {@code zone}; {@code zone} wins when both are set.
	 * @param instanceZone the zone of this instance
	 */
	public void setInstanceZone(@Nullable String instanceZone) {
		this.instanceZoneAlias = instanceZone;
	}

	public boolean isRemoveWhenNotUp() {
		return this.removeWhenNotUp;
	}

	public void setRemoveWhenNotUp(boolean removeWhenNotUp) {
		this.removeWhenNotUp = removeWhenNotUp;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getShutdownDelay() {
		return this.shutdownDelay;
	}

	public void setShutdownDelay(Duration shutdownDelay) {
		this.shutdownDelay = shutdownDelay;
	}

	@Override
	public String toString() {
		return "EtcdRegistrationProperties{register=" + this.register + ", serviceName=" + this.serviceName
				+ ", instanceId=" + this.instanceId + ", host=" + this.host + ", port=" + this.port + ", ttl="
				+ this.ttl + "}";
	}

}
