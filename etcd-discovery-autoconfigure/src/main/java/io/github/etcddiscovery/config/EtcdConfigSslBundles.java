package io.github.etcddiscovery.config;

import java.util.Map;
import java.util.function.Supplier;

import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.client.InvalidEtcdPropertyException;

import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * The SSL bundles of {@code spring.ssl.bundle.*}, at config data time. The application
 * context's {@code SslBundles} bean does not exist yet when the configuration is loaded, so the
 * same properties are bound from the environment and turned into bundles the way Spring Boot
 * does ({@link PropertiesSslBundle}): one bundle definition serves both the import and the
 * application.
 */
final class EtcdConfigSslBundles {

	private EtcdConfigSslBundles() {
	}

	/**
	 * @param used the bundle etcd is reached with: a bundle that cannot be loaded fails startup
	 * only when it is this one, naming the property and the reason
	 */
	static SslBundles from(Binder binder, String used) {
		SslProperties ssl = binder.bind("spring.ssl", SslProperties.class).orElseGet(SslProperties::new);
		DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
		for (Map.Entry<String, PemSslBundleProperties> pem : ssl.getBundle().getPem().entrySet()) {
			register(registry, pem.getKey(), used, () -> PropertiesSslBundle.get(pem.getValue()));
		}
		for (Map.Entry<String, JksSslBundleProperties> jks : ssl.getBundle().getJks().entrySet()) {
			register(registry, jks.getKey(), used, () -> PropertiesSslBundle.get(jks.getValue()));
		}
		return registry;
	}

	private static void register(DefaultSslBundleRegistry registry, String name, String used,
			Supplier<SslBundle> bundle) {
		try {
			registry.registerBundle(name, bundle.get());
		}
		catch (RuntimeException ex) {
			if (name.equals(used)) {
				throw new InvalidEtcdPropertyException(EtcdProperties.PREFIX + ".ssl.bundle", name,
						"the SSL bundle cannot be loaded: " + ex.getMessage(),
						"Check the certificate, key and store locations, types and passwords under "
								+ "spring.ssl.bundle.*." + name + ".");
			}
			// Another bundle, not ours to judge: the application's SslBundles bean reports it.
		}
	}

}
