package io.github.etcddiscovery.registry;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.instance.InstanceStatus;

import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application's own instance, as it is registered. The port may only become known once
 * the web server has started; the status changes through {@link EtcdServiceRegistry#setStatus}.
 */
public class EtcdRegistration implements Registration {

	private final String serviceId;

	private final String instanceId;

	private final String host;

	private final boolean secure;

	private final Map<String, String> metadata;

	private volatile int port;

	private volatile String status = InstanceStatus.UP;

	private volatile boolean healthy = true;

	public EtcdRegistration(String serviceId, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		this.serviceId = serviceId;
		this.instanceId = instanceId;
		this.host = host;
		this.port = port;
		this.secure = secure;
		this.metadata = new ConcurrentHashMap<>(metadata);
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

	public void setPort(int port) {
		this.port = port;
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public URI getUri() {
		return toInstance().getUri();
	}

	/**
	 * The live map: {@link EtcdRegistrationCustomizer}s add entries to it before the first
	 * registration. A change made to it afterwards reaches etcd only when the key is next
	 * written (a status change, a new lease); use {@link EtcdServiceRegistry#setMetadata},
	 * which writes it at once.
	 */
	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	/** Replaces every entry at once: a concurrent {@link #toInstance()} sees all old or all new. */
	synchronized void replaceMetadata(Map<String, String> metadata) {
		this.metadata.clear();
		this.metadata.putAll(metadata);
	}

	/**
	 * The status peers see: the one set by hand ({@code /actuator/serviceregistry}) unless
	 * that is {@code UP} and the application's health says otherwise, then {@code DOWN}.
	 */
	public String getStatus() {
		String byHand = this.status;
		return (InstanceStatus.isUp(byHand) && !this.healthy) ? InstanceStatus.DOWN : byHand;
	}

	void setStatus(String status) {
		this.status = InstanceStatus.normalize(status);
	}

	/** What the application's health says, when it drives the status (opt-in). */
	void setHealthy(boolean healthy) {
		this.healthy = healthy;
	}

	/** What gets written to etcd right now. */
	public synchronized EtcdServiceInstance toInstance() {
		return new EtcdServiceInstance(this.serviceId, this.instanceId, this.host, this.port, this.secure, getStatus(),
				this.metadata);
	}

	@Override
	public String toString() {
		return "EtcdRegistration{" + this.serviceId + "/" + this.instanceId + " " + this.host + ":" + this.port + " "
				+ this.status + "}";
	}

}
