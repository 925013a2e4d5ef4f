package io.github.etcddiscovery.instance;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One registered instance, as stored under {@code {prefix}/{serviceId}/{instanceId}}.
 * Immutable: a change in etcd produces a new instance.
 */
public final class EtcdServiceInstance implements ServiceInstance {

	private final String serviceId;

	private final String instanceId;

	private final String host;

	private final int port;

	private final boolean secure;

	private final String status;

	private final Map<String, String> metadata;

	public EtcdServiceInstance(String serviceId, String instanceId, String host, int port, boolean secure,
			String status, Map<String, String> metadata) {
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
		this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
		this.host = Objects.requireNonNull(host, "host");
		this.port = port;
		this.secure = secure;
		this.status = InstanceStatus.normalize(status);
		this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getInstanceId() {
		return this.instanceId;
	}

	@Override
	public String getHost() {
		return this.host;
	}

	@Override
	public int getPort() {
		return this.port;
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public String getScheme() {
		return this.secure ? "https" : "http";
	}

	@Override
	public URI getUri() {
		return URI.create(getScheme() + "://" + address());
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public String getStatus() {
		return this.status;
	}

	public boolean isUp() {
		return InstanceStatus.isUp(this.status);
	}

	/**
	 * {@code host:port}, with an IPv6 host in brackets: the form Go's naming resolver dials.
	 */
	public String address() {
		String h = (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]" : this.host;
		return h + ":" + this.port;
	}

	public EtcdServiceInstance withStatus(String newStatus) {
		return new EtcdServiceInstance(this.serviceId, this.instanceId, this.host, this.port, this.secure, newStatus,
				this.metadata);
	}

	public EtcdServiceInstance withPort(int newPort) {
		return new EtcdServiceInstance(this.serviceId, this.instanceId, this.host, newPort, this.secure, this.status,
				this.metadata);
	}

	/** This instance with a copy of the metadata as it is now. */
	public EtcdServiceInstance withMetadata(Map<String, String> newMetadata) {
		return new EtcdServiceInstance(this.serviceId, this.instanceId, this.host, this.port, this.secure, this.status,
				newMetadata);
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof EtcdServiceInstance that)) {
			return false;
		}
		return this.port == that.port && this.secure == that.secure && this.serviceId.equals(that.serviceId)
				&& this.instanceId.equals(that.instanceId) && this.host.equals(that.host)
				&& this.status.equals(that.status) && this.metadata.equals(that.metadata);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.serviceId, this.instanceId, this.host, this.port, this.secure, this.status,
				this.metadata);
	}

	@Override
	public String toString() {
		return "EtcdServiceInstance{" + this.serviceId + "/" + this.instanceId + " " + getScheme() + "://" + address()
				+ " " + this.status + " " + this.metadata + "}";
	}

}
