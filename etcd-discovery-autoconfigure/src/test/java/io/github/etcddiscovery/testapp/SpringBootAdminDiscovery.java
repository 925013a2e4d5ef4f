package io.github.etcddiscovery.testapp;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Spring Boot Admin's own discovery code ({@code DefaultServiceInstanceConverter}, the one its
 * server runs on every discovered instance), loaded from the jars the build copies to
 * {@code target/spring-boot-admin} into a class loader of its own, so that Admin's
 * auto-configurations never enter other tests' applications.
 */
public final class SpringBootAdminDiscovery {

	private SpringBootAdminDiscovery() {
	}

	/** What Spring Boot Admin makes of an instance. */
	public record AdminRegistration(String serviceUrl, String managementUrl, String healthUrl) {

	}

	public static AdminRegistration convert(ServiceInstance instance) {
		File[] jars = Path.of("target", "spring-boot-admin").toFile().listFiles((dir, name) -> name.endsWith(".jar"));
		if (jars == null || jars.length < 2) {
			throw new IllegalStateException("Spring Boot Admin jars missing in target/spring-boot-admin: run mvn verify");
		}
		try (URLClassLoader loader = new URLClassLoader(urls(jars), SpringBootAdminDiscovery.class.getClassLoader())) {
			Object converter = loader
				.loadClass("de.codecentric.boot.admin.server.cloud.discovery.DefaultServiceInstanceConverter")
				.getConstructor()
				.newInstance();
			Object registration = converter.getClass()
				.getMethod("convert", ServiceInstance.class)
				.invoke(converter, instance);
			return new AdminRegistration(get(registration, "getServiceUrl"), get(registration, "getManagementUrl"),
					get(registration, "getHealthUrl"));
		}
		catch (ReflectiveOperationException | java.io.IOException ex) {
			throw new IllegalStateException("Could not run Spring Boot Admin's converter", ex);
		}
	}

	private static String get(Object registration, String getter) throws ReflectiveOperationException {
		return (String) registration.getClass().getMethod(getter).invoke(registration);
	}

	private static URL[] urls(File[] jars) throws MalformedURLException {
		URL[] urls = new URL[jars.length];
		for (int i = 0; i < jars.length; i++) {
			urls[i] = jars[i].toURI().toURL();
		}
		return urls;
	}

}
