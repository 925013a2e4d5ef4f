package io.github.etcddiscovery.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;

import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Works out who this application is in the registry: service id, a per-process instance id,
 * the address peers should call, and its metadata.
 */
public class EtcdRegistrationFactory {

	private final EtcdRegistrationProperties properties;

	private final Environment environment;

	private final InetUtils inetUtils;

	public EtcdRegistrationFactory(EtcdRegistrationProperties properties, Environment environment, InetUtils inetUtils) {
		this.properties = properties;
		this.environment = environment;
		this.inetUtils = inetUtils;
	}

	public EtcdRegistration create() {
		String serviceId = serviceId();
		Map<String, String> metadata = new LinkedHashMap<>(this.properties.getMetadata());
		if (StringUtils.hasText(this.properties.getZone())) {
			metadata.put("zone", this.properties.getZone());
		}
		int port = (this.properties.getPort() != null) ? this.properties.getPort() : 0;
		return new EtcdRegistration(serviceId, instanceId(serviceId), host(), port, this.properties.isSecure(),
				metadata);
	}

	private String serviceId() {
		String name = StringUtils.hasText(this.properties.getServiceName()) ? this.properties.getServiceName()
				: this.environment.getProperty("spring.application.name");
		if (!StringUtils.hasText(name)) {
			throw new InvalidEtcdPropertyException(EtcdRegistrationProperties.PREFIX + ".service-name", null,
					"this application has no service name to register under",
					"Set spring.application.name (or " + EtcdRegistrationProperties.PREFIX
							+ ".service-name), or turn registration off with " + EtcdRegistrationProperties.PREFIX
							+ ".register=false.");
		}
		EtcdRegistrationProperties.requireKeySegment(EtcdRegistrationProperties.PREFIX + ".service-name", name);
		return name;
	}

	/**
	 * Random per process, so that two instances on one host, even both on port 0, never
	 * overwrite each other's key.
	 */
	private String instanceId(String serviceId) {
		if (StringUtils.hasText(this.properties.getInstanceId())) {
			return this.properties.getInstanceId();
		}
		return serviceId + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private String host() {
		if (StringUtils.hasText(this.properties.getHost())) {
			return this.properties.getHost();
		}
		InetUtils.HostInfo local = this.inetUtils.findFirstNonLoopbackHostInfo();
		if (this.properties.isPreferIpAddress()) {
			return StringUtils.hasText(this.properties.getIpAddress()) ? this.properties.getIpAddress()
					: local.getIpAddress();
		}
		return local.getHostname();
	}

}
