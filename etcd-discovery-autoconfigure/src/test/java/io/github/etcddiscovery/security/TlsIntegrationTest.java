package io.github.etcddiscovery.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SecureEtcd;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.test.TestCertificates;
import io.github.etcddiscovery.test.TestCertificates.Issued;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * TLS to etcd through Spring Boot SSL bundles: etcd verified by the bundle's trust, the
 * client authenticated by the bundle's key; anything else stops startup saying which side
 * does not trust which, and what to configure.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsIntegrationTest {

	@TempDir
	static Path pki;

	static TestCertificates ca;

	static Issued client;

	static Issued strangerClient;

	static EtcdServer tlsEtcd;

	static EtcdServer mutualTlsEtcd;

	private final List<TestApps> apps = new ArrayList<>();

	@BeforeAll
	static void startEtcdWithTls() {
		ca = TestCertificates.authority(pki);
		Issued server = ca.server("server");
		client = ca.client("client", "orders");
		strangerClient = ca.otherAuthority().client("stranger", "orders");
		tlsEtcd = SecureEtcd.tls(ca, server).name("tls").start();
		mutualTlsEtcd = SecureEtcd.mutualTls(ca, server, client).name("mtls").start();
	}

	@AfterAll
	static void stopEtcd() {
		if (tlsEtcd != null) {
			tlsEtcd.close();
		}
		if (mutualTlsEtcd != null) {
			mutualTlsEtcd.close();
		}
	}

	@AfterEach
	void closeApps() {
		this.apps.forEach(TestApps::close);
	}

	@Test
	void aPemBundleTrustingEtcdsCaRegistersAndDiscoversOverTls() {
		List<String> bundle = SecureEtcd.pemBundle("etcd", ca, null);

		registersAndDiscovers(tlsEtcd, bundle);
	}

	@Test
	void aPemBundleWithAClientCertificateRegistersAndDiscoversOverMutualTls() {
		List<String> bundle = SecureEtcd.pemBundle("etcd", ca, client);

		registersAndDiscovers(mutualTlsEtcd, bundle);
	}

	@Test
	void aPkcs12BundleWithAClientCertificateRegistersAndDiscoversOverMutualTls() {
		List<String> bundle = SecureEtcd.pkcs12Bundle("etcd", ca, client);

		registersAndDiscovers(mutualTlsEtcd, bundle);
	}

	@Test
	void httpsWithoutABundleUsesTheJvmTrustAndFailsNamingTheBundleProperty(CapturedOutput output) {
		assertStartupFails(tlsEtcd, List.of(), output, "is not trusted by the JVM's default trust store",
				"Set spring.cloud.etcd.ssl.bundle to an SSL bundle whose trust material holds the CA");
	}

	@Test
	void aBundleWithoutTrustMaterialFailsAsNotTrusted(CapturedOutput output) {
		assertStartupFails(mutualTlsEtcd, SecureEtcd.pemBundle("etcd", null, client), output,
				"is not trusted by SSL bundle 'etcd'", "truststore.certificate");
	}

	@Test
	void mutualTlsWithoutAClientCertificateFailsSayingEtcdRequiresOne(CapturedOutput output) {
		assertStartupFails(mutualTlsEtcd, SecureEtcd.pemBundle("etcd", ca, null), output,
				"requires a client certificate (--client-cert-auth) and SSL bundle 'etcd' has none",
				"spring.ssl.bundle.pem.etcd.keystore.certificate");
	}

	@Test
	void mutualTlsWithAClientCertificateOfAnotherCaFailsSayingItWasRejected(CapturedOutput output) {
		assertStartupFails(mutualTlsEtcd, SecureEtcd.pemBundle("etcd", ca, strangerClient), output,
				"rejected the client certificate of SSL bundle 'etcd'", "signed by a CA in etcd's --trusted-ca-file");
	}

	@Test
	void aBundleThatDoesNotExistFailsListingTheBundlesThatDo(CapturedOutput output) {
		List<String> properties = new ArrayList<>(SecureEtcd.pemBundle("other", ca, null));
		properties.set(0, "spring.cloud.etcd.ssl.bundle=etcd");

		assertStartupFails(tlsEtcd, properties, output, "The etcd discovery setting 'spring.cloud.etcd.ssl.bundle'",
				"there is no SSL bundle of that name (configured: [other])", "spring.ssl.bundle.pem.etcd");
	}

	@Test
	void aBundleWhoseFilesCannotBeReadFailsNamingTheBundle(CapturedOutput output) throws Exception {
		Path missing = pki.resolve("missing.crt");
		Files.deleteIfExists(missing);
		List<String> properties = List.of("spring.cloud.etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + missing);

		assertStartupFails(tlsEtcd, properties, output, "spring.cloud.etcd.ssl.bundle", "missing.crt");
	}

	private void registersAndDiscovers(EtcdServer etcd, List<String> bundle) {
		TestApps tls = newApps(etcd);
		ConfigurableApplicationContext orders = tls.start("orders", bundle.toArray(String[]::new));
		ConfigurableApplicationContext billing = tls.start("billing", bundle.toArray(String[]::new));

		assertThat(etcd.etcdctl("get", "--prefix", "--keys-only", tls.prefix() + "/")).contains(tls.keyOf(orders))
			.contains(tls.keyOf(billing));
		DiscoveryClient discovery = billing.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(TestApps.port(orders)));
	}

	private void assertStartupFails(EtcdServer etcd, List<String> properties, CapturedOutput output,
			String... expected) {
		List<String> failFast = new ArrayList<>(properties);
		failFast.add("spring.cloud.etcd.request-timeout=2s");
		Throwable failure = catchThrowable(() -> newApps(etcd).start("orders", failFast.toArray(String[]::new)));

		assertThat(failure).as("startup failure").isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START").contains(expected);
	}

	private TestApps newApps(EtcdServer etcd) {
		TestApps tls = new TestApps(etcd.clientEndpoint(), SharedEtcd.uniquePrefix("tls"));
		this.apps.add(tls);
		return tls;
	}

}
