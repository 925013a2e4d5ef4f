package io.github.etcddiscovery.client;

import java.util.Arrays;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.util.StringUtils;

/**
 * The TLS material the client talks to etcd with: the configured Spring Boot SSL bundle, or
 * the JVM's default trust for https endpoints without one. Both jetcd's channel and our
 * startup handshake probe are built from the same bundle, so they agree on what is trusted.
 */
public final class EtcdTls {

	private static final String BUNDLE_PROPERTY = EtcdProperties.PREFIX + ".ssl.bundle";

	private final SslBundle bundle;

	private final @Nullable String bundleName;

	private final SslManagerBundle managers;

	private EtcdTls(SslBundle bundle, @Nullable String bundleName) {
		this.bundle = bundle;
		this.bundleName = bundleName;
		this.managers = load(bundle, bundleName);
	}

	/**
	 * The TLS settings for these properties, or {@code null} for plain http endpoints.
	 * @throws InvalidEtcdPropertyException when the bundle is missing or cannot be loaded
	 */
	public static @Nullable EtcdTls of(EtcdProperties properties, @Nullable SslBundles bundles) {
		String name = properties.getSsl().getBundle();
		if (!properties.usesTls()) {
			return null;
		}
		if (!StringUtils.hasText(name)) {
			return new EtcdTls(SslBundle.systemDefault(), null);
		}
		if (bundles == null) {
			throw new InvalidEtcdPropertyException(BUNDLE_PROPERTY, name, "no SSL bundles are configured",
					"Define the bundle under spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
							+ ".");
		}
		try {
			return new EtcdTls(bundles.getBundle(name), name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidEtcdPropertyException(BUNDLE_PROPERTY, name,
					"there is no SSL bundle of that name (configured: " + bundles.getBundleNames() + ")",
					"Define it under spring.ssl.bundle.pem." + name + " (PEM files) or spring.ssl.bundle.jks." + name
							+ " (JKS or PKCS12 stores), or name an existing bundle.");
		}
	}

	/** For messages: which trust the client uses. */
	public String describe() {
		return (this.bundleName != null) ? "SSL bundle '" + this.bundleName + "'"
				: "the JVM's default trust store (no " + BUNDLE_PROPERTY + " set)";
	}

	public @Nullable String bundleName() {
		return this.bundleName;
	}

	/** Whether the bundle holds a key, i.e. the client presents a certificate to etcd. */
	public boolean hasClientCertificate() {
		try {
			return this.bundle.getStores().getKeyStore() != null
					&& this.bundle.getStores().getKeyStore().aliases().hasMoreElements();
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** For jetcd's gRPC channel. */
	public SslContext nettyContext() {
		SslContextBuilder builder = GrpcSslContexts.forClient()
			.trustManager(this.managers.getTrustManagerFactory())
			.keyManager(this.managers.getKeyManagerFactory());
		if (this.bundle.getOptions().getCiphers() != null) {
			builder.ciphers(Arrays.asList(this.bundle.getOptions().getCiphers()));
		}
		if (this.bundle.getOptions().getEnabledProtocols() != null) {
			builder.protocols(this.bundle.getOptions().getEnabledProtocols());
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw invalid("it cannot be used for TLS: " + ex.getMessage());
		}
	}

	/** For the startup handshake probe. */
	public SSLContext jdkContext() {
		return this.bundle.createSslContext();
	}

	/** Boot loads bundle files lazily: a missing or unreadable file shows up here. */
	private static SslManagerBundle load(SslBundle bundle, @Nullable String name) {
		try {
			SslManagerBundle managers = bundle.getManagers();
			managers.getKeyManagerFactory();
			managers.getTrustManagerFactory();
			return managers;
		}
		catch (RuntimeException ex) {
			throw new InvalidEtcdPropertyException(BUNDLE_PROPERTY, name,
					"the SSL bundle cannot be loaded: " + messages(ex),
					"Check the certificate, key and store locations, types and passwords under spring.ssl.bundle.*."
							+ name + ".");
		}
	}

	private InvalidEtcdPropertyException invalid(String problem) {
		return new InvalidEtcdPropertyException(BUNDLE_PROPERTY, this.bundleName, problem,
				"Check the bundle under spring.ssl.bundle.*." + this.bundleName + ".");
	}

	static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t.getMessage() != null && text.indexOf(t.getMessage()) < 0) {
				text.append((text.length() > 0) ? "; " : "").append(t.getMessage());
			}
		}
		return text.toString();
	}

}
