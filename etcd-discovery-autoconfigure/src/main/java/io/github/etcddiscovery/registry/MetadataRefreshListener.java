package io.github.etcddiscovery.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Applies changed {@code spring.cloud.etcd.discovery.metadata.*} (and {@code zone}) values
 * without a restart, when Spring Cloud's refresh ({@code /actuator/refresh}, Spring Cloud
 * Config, Bus) announces them. Only the entries that come from those properties change:
 * what customizers or the management server added stays.
 */
public class MetadataRefreshListener implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Log logger = LogFactory.getLog(MetadataRefreshListener.class);

	private static final String METADATA = EtcdRegistrationProperties.PREFIX + ".metadata";

	private static final String ZONE = EtcdRegistrationProperties.PREFIX + ".zone";

	private final EtcdServiceRegistry registry;

	private final EtcdRegistration registration;

	private final Environment environment;

	private Map<String, String> fromProperties;

	public MetadataRefreshListener(EtcdServiceRegistry registry, EtcdRegistration registration,
			Environment environment) {
		this.registry = registry;
		this.registration = registration;
		this.environment = environment;
		this.fromProperties = configured();
	}

	@Override
	public synchronized void onApplicationEvent(EnvironmentChangeEvent event) {
		if (!concernsMetadata(event.getKeys())) {
			return;
		}
		Map<String, String> configured = configured();
		if (configured.equals(this.fromProperties)) {
			return;
		}
		Map<String, String> metadata = new LinkedHashMap<>(this.registration.getMetadata());
		this.fromProperties.keySet().forEach(metadata::remove);
		metadata.putAll(configured);
		this.fromProperties = configured;
		logger.info("Metadata of " + this.registration.getServiceId() + "/" + this.registration.getInstanceId()
				+ " changed by a refresh, writing it to etcd: " + metadata.keySet());
		this.registry.setMetadata(this.registration, metadata);
	}

	private static boolean concernsMetadata(Set<String> keys) {
		return keys.stream().anyMatch(key -> key.startsWith(METADATA) || key.equals(ZONE));
	}

	/** The metadata the properties ask for now, zone included, as the factory computes it. */
	private Map<String, String> configured() {
		Binder binder = Binder.get(this.environment);
		Map<String, String> configured = new LinkedHashMap<>(
				binder.bind(METADATA, Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
		String zone = binder.bind(ZONE, String.class).orElse(null);
		if (StringUtils.hasText(zone)) {
			configured.put("zone", zone);
		}
		return configured;
	}

}
