package io.github.etcddiscovery.test;

import java.util.ArrayList;
import java.util.List;

/**
 * etcd servers with TLS and authentication as production runs them, and the application
 * properties that reach them.
 */
public final class SecureEtcd {

	private SecureEtcd() {
	}

	/** Server TLS: clients verify etcd, etcd does not ask for their certificate. */
	public static EtcdServer.Builder tls(TestCertificates ca, TestCertificates.Issued server) {
		return EtcdServer.builder()
			.clientScheme("https")
			.requireBinary()
			.extraArgs("--cert-file=" + server.cert(), "--key-file=" + server.key())
			.etcdctlArgs("--cacert=" + ca.caCert());
	}

	/** Mutual TLS: etcd accepts only clients with a certificate signed by {@code ca}. */
	public static EtcdServer.Builder mutualTls(TestCertificates ca, TestCertificates.Issued server,
			TestCertificates.Issued etcdctlClient) {
		return tls(ca, server).extraArgs("--client-cert-auth", "--trusted-ca-file=" + ca.caCert())
			.etcdctlArgs("--cert=" + etcdctlClient.cert(), "--key=" + etcdctlClient.key());
	}

	/** Creates root and turns authentication on; later etcdctl calls pass {@code --user=root:...}. */
	public static void enableAuth(EtcdServer etcd, String rootPassword) {
		etcd.etcdctl("user", "add", "root:" + rootPassword, "--interactive=false");
		etcd.etcdctl("auth", "enable");
	}

	/** As root: a user with one role, granted each {@code permission prefix} pair. */
	public static void addUser(EtcdServer etcd, String rootPassword, String user, String password, String role,
			String... permissionThenPrefix) {
		asRoot(etcd, rootPassword, "user", "add", user + ":" + password, "--interactive=false");
		asRoot(etcd, rootPassword, "role", "add", role);
		for (int i = 0; i < permissionThenPrefix.length; i += 2) {
			asRoot(etcd, rootPassword, "role", "grant-permission", role, "--prefix=true", permissionThenPrefix[i],
					permissionThenPrefix[i + 1]);
		}
		asRoot(etcd, rootPassword, "user", "grant-role", user, role);
	}

	/** etcdctl as root, once authentication is on. */
	public static String asRoot(EtcdServer etcd, String rootPassword, String... args) {
		List<String> command = new ArrayList<>();
		command.add("--user=root:" + rootPassword);
		command.addAll(List.of(args));
		return etcd.etcdctl(command.toArray(String[]::new));
	}

	/** A PEM bundle named {@code name}: trust in {@code ca}, and {@code client}'s key if given. */
	public static List<String> pemBundle(String name, TestCertificates ca, TestCertificates.Issued client) {
		List<String> properties = new ArrayList<>();
		properties.add("spring.cloud.etcd.ssl.bundle=" + name);
		if (ca != null) {
			properties.add("spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + ca.caCert());
		}
		if (client != null) {
			properties.add("spring.ssl.bundle.pem." + name + ".keystore.certificate=file:" + client.cert());
			properties.add("spring.ssl.bundle.pem." + name + ".keystore.private-key=file:" + client.key());
		}
		return properties;
	}

	/** The same as a PKCS12 bundle, through {@code spring.ssl.bundle.jks}. */
	public static List<String> pkcs12Bundle(String name, TestCertificates ca, TestCertificates.Issued client) {
		String prefix = "spring.ssl.bundle.jks." + name;
		return List.of("spring.cloud.etcd.ssl.bundle=" + name, prefix + ".truststore.location=file:" + ca.trustStore(),
				prefix + ".truststore.type=PKCS12", prefix + ".truststore.password=" + TestCertificates.STORE_PASSWORD,
				prefix + ".keystore.location=file:" + client.keyStore(), prefix + ".keystore.type=PKCS12",
				prefix + ".keystore.password=" + TestCertificates.STORE_PASSWORD,
				prefix + ".key.password=" + TestCertificates.STORE_PASSWORD);
	}

}
