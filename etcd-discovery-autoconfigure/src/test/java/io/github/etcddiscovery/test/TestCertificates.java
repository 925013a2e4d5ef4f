package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI made at test time, valid for a day: nothing long-lived is committed. One
 * CA signs etcd's server certificate (for 127.0.0.1 and localhost) and a client certificate;
 * {@link #otherAuthority} makes a second CA, for certificates etcd must not accept.
 */
public final class TestCertificates {

	/** The password of every PKCS12 store written here. */
	public static final String STORE_PASSWORD = "store-secret-" + Long.toHexString(new SecureRandom().nextLong());

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path dir;

	private final String name;

	private final KeyPair caKeys;

	private final X509Certificate ca;

	private TestCertificates(Path dir, String name) {
		this.dir = dir;
		this.name = name;
		this.caKeys = keyPair();
		this.ca = sign(new X500Name("CN=" + name + " test CA"), this.caKeys, new X500Name("CN=" + name + " test CA"),
				this.caKeys.getPrivate(), true, null, null);
		writePem(caCert(), "CERTIFICATE", this.ca);
	}

	/** A new CA, its files written under {@code dir}. */
	public static TestCertificates authority(Path dir) {
		return new TestCertificates(dir, "ca");
	}

	/** Another CA, unrelated to this one, in the same directory. */
	public TestCertificates otherAuthority() {
		return new TestCertificates(this.dir, "other-ca");
	}

	/** The CA certificate, PEM. */
	public Path caCert() {
		return this.dir.resolve(this.name + ".crt");
	}

	/** A server certificate for 127.0.0.1 and localhost: {@code name.crt} and {@code name.key}. */
	public Issued server(String certName) {
		KeyPair keys = keyPair();
		GeneralNames names = new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
				new GeneralName(GeneralName.dNSName, "localhost") });
		X509Certificate cert = sign(new X500Name("CN=localhost"), keys, new X500Name("CN=" + this.name + " test CA"),
				this.caKeys.getPrivate(), false, names, KeyPurposeId.id_kp_serverAuth);
		return issue(certName, keys, cert);
	}

	/** A client certificate whose common name etcd takes as the user name. */
	public Issued client(String certName, String commonName) {
		KeyPair keys = keyPair();
		X509Certificate cert = sign(new X500Name("CN=" + commonName), keys,
				new X500Name("CN=" + this.name + " test CA"), this.caKeys.getPrivate(), false, null,
				KeyPurposeId.id_kp_clientAuth);
		return issue(certName, keys, cert);
	}

	/** A PKCS12 trust store holding only the CA certificate. */
	public Path trustStore() {
		Path file = this.dir.resolve(this.name + "-truststore.p12");
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setCertificateEntry("ca", this.ca);
			save(store, file);
			return file;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Issued issue(String certName, KeyPair keys, X509Certificate cert) {
		Path certFile = this.dir.resolve(certName + ".crt");
		Path keyFile = this.dir.resolve(certName + ".key");
		Path keyStore = this.dir.resolve(certName + ".p12");
		writePem(certFile, "CERTIFICATE", cert);
		writePem(keyFile, "PRIVATE KEY", keys.getPrivate());
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setKeyEntry(certName, keys.getPrivate(), STORE_PASSWORD.toCharArray(),
					new Certificate[] { cert, this.ca });
			save(store, keyStore);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
		return new Issued(certFile, keyFile, keyStore, pemBody(keys.getPrivate().getEncoded()));
	}

	private static void save(KeyStore store, Path file) throws IOException, GeneralSecurityException {
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, STORE_PASSWORD.toCharArray());
		}
	}

	private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
			boolean isCa, GeneralNames altNames, KeyPurposeId purpose) {
		Instant now = Instant.now();
		try {
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
					new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
					Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
			if (isCa) {
				builder.addExtension(Extension.keyUsage, true,
						new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
			}
			else {
				builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
				builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
			}
			if (altNames != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, altNames);
			}
			return new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
		}
		catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
			throw new IllegalStateException("Could not make a test certificate for " + subject, ex);
		}
	}

	private static KeyPair keyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void writePem(Path file, String type, Object item) {
		try {
			byte[] der = (item instanceof Certificate cert) ? cert.getEncoded() : ((PrivateKey) item).getEncoded();
			String pem = "-----BEGIN " + type + "-----\n" + pemBody(der) + "\n-----END " + type + "-----\n";
			Files.writeString(file, pem, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pemBody(byte[] der) {
		return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
	}

	/**
	 * A certificate and its key, as PEM files and as a PKCS12 key store.
	 * @param keyPemBody the base64 body of the private key's PEM, to look for in output
	 */
	public record Issued(Path cert, Path key, Path keyStore, String keyPemBody) {

	}

}
