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
 * <p>
 * What it is (service, id, address, scheme) and the status set by hand are an
 * {@link EtcdServiceInstance}, replaced on every change; what it adds is the live metadata
 * map and the application's health, which {@link #toInstance()} folds in.
 */
public class EtcdRegistration implements Registration {

	private volatile EtcdServiceInstance declared;

	private final Map<String, String> metadata;

	private volatile boolean healthy = true;

	public EtcdRegistration(String serviceId, String instanceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		this.declared = new EtcdServiceInstance(serviceId, instanceId, host, port, secure, InstanceStatus.UP,
				Map.of());
		this.metadata = new ConcurrentHashMap<>(metadata);
	}

	@Override
	public String getServiceId() {
		return this.declared.getServiceId();
	}

	@Override
	public String getInstanceId() {
		return this.declared.getInstanceId();
	}

	@Override
	public String getHost() {
		return this.declared.getHost();
	}

	@Override
	public int getPort() {
		return this.declared.getPort();
	}

	public synchronized void setPort(int port) {
		this.declared = this.declared.withPort(port);
	}

	@Override
	public boolean isSecure() {
		return this.declared.isSecure();
	}

	@Override
	public URI getUri() {
		return this.declared.getUri();
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
		String byHand = this.declared.getStatus();
		return (InstanceStatus.isUp(byHand) && !this.healthy) ? InstanceStatus.DOWN : byHand;
	}

	synchronized void setStatus(String status) {
		this.declared = this.declared.withStatus(status);
	}

	/** What the application's health says, when it drives the status (opt-in). */
	void setHealthy(boolean healthy) {
		this.healthy = healthy;
	}

	/** What gets written to etcd right now. */
	public synchronized EtcdServiceInstance toInstance() {
		return this.declared.withStatus(getStatus()).withMetadata(this.metadata);
	}

	@Override
	public String toString() {
		EtcdServiceInstance instance = this.declared;
		return "EtcdRegistration{" + instance.getServiceId() + "/" + instance.getInstanceId() + " "
				+ instance.getHost() + ":" + instance.getPort() + " " + instance.getStatus() + "}";
	}

}
