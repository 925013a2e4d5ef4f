package io.github.etcddiscovery.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * What peers and Spring Boot Admin need to know about a management server that listens on a
 * port of its own: the metadata its discovery reads ({@code management.port},
 * {@code management.context-path}, {@code management.address}, {@code health.path}), and
 * the separate {@code {service}-management} instance that Spring Cloud's
 * {@code register-management} asks for.
 */
final class ManagementRegistration {

	static final String SUFFIX = "-management";

	private final Environment environment;

	ManagementRegistration(Environment environment) {
		this.environment = environment;
	}

	/** The keys Spring Boot Admin's {@code DefaultServiceInstanceConverter} reads. */
	Map<String, String> metadata(int managementPort) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("management.port", Integer.toString(managementPort));
		metadata.put("management.context-path", contextPath());
		String address = address();
		if (address != null) {
			metadata.put("management.address", address);
		}
		metadata.put("health.path",
				this.environment.getProperty("management.endpoints.web.path-mapping.health", "health"));
		return metadata;
	}

	/** The management server as an instance of service {@code {serviceId}-management}. */
	EtcdRegistration instance(EtcdRegistration main, int managementPort) {
		String address = address();
		Map<String, String> metadata = new LinkedHashMap<>(main.getMetadata());
		return new EtcdRegistration(main.getServiceId() + SUFFIX, main.getInstanceId(),
				(address != null) ? address : main.getHost(), managementPort, main.isSecure(), metadata);
	}

	/** The management server's base path followed by the actuator's, {@code /actuator} by default. */
	private String contextPath() {
		String path = trimmed(this.environment.getProperty("management.server.base-path", ""))
				+ trimmed(this.environment.getProperty("management.endpoints.web.base-path", "/actuator"));
		return path.isEmpty() ? "/" : path;
	}

	private @Nullable String address() {
		String address = this.environment.getProperty("management.server.address");
		return StringUtils.hasText(address) ? address : null;
	}

	private static String trimmed(String path) {
		String p = path.trim();
		while (p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		return (p.isEmpty() || p.startsWith("/")) ? p : "/" + p;
	}

}
