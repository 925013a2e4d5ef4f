package io.github.etcddiscovery.security;

import java.util.List;
import java.util.Locale;

import io.github.etcddiscovery.config.EtcdConfigSnapshot;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the etcd password and SSL bundle secrets (passwords, inline private keys) in
 * {@code /actuator/env} and {@code /actuator/configprops}, even where an application shows
 * other values ({@code show-values=always}), and every property from etcd's configuration
 * whose name looks secret. Keys are compared in canonical form, so
 * {@code SPRING_CLOUD_ETCD_PASSWORD} and {@code spring.cloud.etcd.password} are both caught.
 */
public class EtcdSecretsSanitizingFunction implements SanitizingFunction {

	private static final String ETCD_PASSWORD = "spring.cloud.etcd.password";

	private static final String SSL_BUNDLES = "spring.ssl.bundle.";

	/** Last name segments that make a property from etcd a secret, as Spring Boot 2 judged keys. */
	private static final List<String> SECRET_ENDINGS = List.of("password", "secret", "key", "token");

	@Override
	public SanitizableData apply(SanitizableData data) {
		boolean fromEtcd = data.getPropertySource() != null
				&& data.getPropertySource().getName().startsWith(EtcdConfigSnapshot.SOURCE_NAME_PREFIX);
		return (isSecret(data.getKey()) || (fromEtcd && looksSecret(data.getKey()))) ? data.withSanitizedValue()
				: data;
	}

	/**
	 * Configuration from etcd is whatever operators put there: {@code db/password},
	 * {@code api-key}, {@code auth.token}, {@code clientSecret} are masked wherever they appear.
	 */
	static boolean looksSecret(String key) {
		String canonical = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
		String last = canonical.substring(canonical.lastIndexOf('.') + 1);
		return canonical.contains("credentials") || SECRET_ENDINGS.stream().anyMatch(last::endsWith);
	}

	static boolean isSecret(String key) {
		String canonical = key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
		if (canonical.equals(ETCD_PASSWORD)) {
			return true;
		}
		// A PEM bundle may hold the private key inline rather than as a file location.
		return canonical.startsWith(SSL_BUNDLES) && (canonical.endsWith("password") || canonical.endsWith("privatekey"));
	}

}
