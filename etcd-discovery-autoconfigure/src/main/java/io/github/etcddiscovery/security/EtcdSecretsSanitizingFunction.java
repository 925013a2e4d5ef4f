package io.github.etcddiscovery.security;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the etcd password and SSL bundle secrets (passwords, inline private keys) in
 * {@code /actuator/env} and {@code /actuator/configprops}, even where an application shows
 * other values ({@code show-values=always}). Keys are compared in canonical form, so
 * {@code SPRING_CLOUD_ETCD_PASSWORD} and {@code spring.cloud.etcd.password} are both caught.
 */
public class EtcdSecretsSanitizingFunction implements SanitizingFunction {

	private static final String ETCD_PASSWORD = "spring.cloud.etcd.password";

	private static final String SSL_BUNDLES = "spring.ssl.bundle.";

	@Override
	public SanitizableData apply(SanitizableData data) {
		return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
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
