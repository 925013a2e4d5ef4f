package io.github.etcddiscovery.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Tells a misconfiguration from an outage, once, at startup. An etcd that is down must not
 * stop the application (it registers once etcd is back); an etcd that refuses our
 * certificate or password never will be back for us, so that fails startup with the fix.
 * <p>
 * First a TLS handshake with each https endpoint: gRPC would only report those as
 * unavailable. Then, with credentials configured, one request that makes jetcd
 * authenticate (listing members needs no key permission). Unreachable endpoints skip the
 * check; nothing here waits longer than the connect and request timeouts.
 */
public class EtcdConnectionCheck {

	private static final Log logger = LogFactory.getLog(EtcdConnectionCheck.class);

	private final Client client;

	private final EtcdProperties properties;

	private final EtcdConnectionDetails connection;

	private final @Nullable EtcdTls tls;

	public EtcdConnectionCheck(Client client, EtcdProperties properties, @Nullable EtcdTls tls) {
		this(client, properties, new PropertiesEtcdConnectionDetails(properties), tls);
	}

	public EtcdConnectionCheck(Client client, EtcdProperties properties, EtcdConnectionDetails connection,
			@Nullable EtcdTls tls) {
		this.client = client;
		this.properties = properties;
		this.connection = connection;
		this.tls = tls;
	}

	/**
	 * @throws EtcdAccessException when etcd answers and refuses this client
	 */
	public void check() {
		if (this.tls != null && !anyEndpointAcceptsTls()) {
			return;
		}
		if (StringUtils.hasText(this.connection.getUsername())) {
			checkCredentials();
		}
	}

	/** Throws when every endpoint that answers refuses the handshake; false when none answers. */
	private boolean anyEndpointAcceptsTls() {
		EtcdTlsProbe probe = new EtcdTlsProbe(this.tls, this.properties.getConnectTimeout());
		List<String> problems = new ArrayList<>();
		EtcdTlsProbe.Result first = null;
		URI firstEndpoint = null;
		for (URI endpoint : this.connection.getEndpoints()) {
			EtcdTlsProbe.Result result = probe.probe(endpoint);
			if (result.kind() == EtcdTlsProbe.Kind.OK) {
				return true;
			}
			if (result.isTlsProblem()) {
				problems.add(display(endpoint) + ": " + result.detail());
				if (first == null) {
					first = result;
					firstEndpoint = endpoint;
				}
			}
		}
		if (first == null) {
			logger.info("etcd is not reachable at " + this.connection.displayEndpoints()
					+ " yet; TLS and credentials are checked by the first requests once it is");
			return false;
		}
		throw tlsFailure(first, firstEndpoint, problems);
	}

	private EtcdAccessException tlsFailure(EtcdTlsProbe.Result result, URI endpoint, List<String> problems) {
		String where = "etcd at " + display(endpoint);
		String bundleProperty = EtcdProperties.PREFIX + ".ssl.bundle";
		String bundle = (this.tls.bundleName() != null) ? this.tls.bundleName() : "<name>";
		String problem;
		String action;
		switch (result.kind()) {
			case SERVER_NOT_TRUSTED -> {
				problem = "the TLS certificate of " + where + " is not trusted by " + this.tls.describe();
				action = "Set " + bundleProperty + " to an SSL bundle whose trust material holds the CA that signed "
						+ "etcd's certificate, e.g. spring.ssl.bundle.pem." + bundle
						+ ".truststore.certificate=file:/path/to/etcd-ca.crt.";
			}
			case HOST_NOT_IN_CERTIFICATE -> {
				problem = "the TLS certificate of " + where + " does not name the host '" + endpoint.getHost() + "'";
				action = "Use an endpoint host listed in etcd's certificate (its subject alternative names), "
						+ "or reissue the certificate with that host.";
			}
			case CLIENT_CERTIFICATE_REJECTED -> {
				if (this.tls.hasClientCertificate()) {
					problem = where + " rejected the client certificate of " + this.tls.describe();
					action = "Use a client certificate signed by a CA in etcd's --trusted-ca-file, in "
							+ "spring.ssl.bundle.pem." + bundle + ".keystore.certificate and .private-key.";
				}
				else {
					problem = where + " requires a client certificate (--client-cert-auth) and "
							+ this.tls.describe() + " has none";
					action = "Add the client certificate and key to the bundle: spring.ssl.bundle.pem." + bundle
							+ ".keystore.certificate and .private-key (or a JKS/PKCS12 keystore), and set "
							+ bundleProperty + "=" + bundle + ".";
				}
			}
			case NOT_TLS -> {
				problem = where + " does not speak TLS";
				action = "Use http:// endpoints for an etcd without TLS, or enable TLS in etcd (--cert-file, --key-file).";
			}
			default -> {
				problem = "the TLS handshake with " + where + " failed";
				action = "Check that etcd's certificate is trusted by " + this.tls.describe()
						+ " and, if etcd requires client certificates, that the bundle has one it accepts.";
			}
		}
		return new EtcdAccessException("Cannot connect to etcd over TLS: " + problem + " (" + String.join("; ", problems)
				+ ")", action, null);
	}

	private void checkCredentials() {
		String operation = "Authenticating to etcd as user '" + this.connection.getUsername() + "'";
		try {
			EtcdFutures.await(this.client.getClusterClient().listMember(), this.properties.getRequestTimeout(),
					operation);
			logger.debug(operation + " succeeded");
		}
		catch (EtcdUnavailableException ex) {
			logger.info(operation + " got no answer yet (" + ex.getMessage()
					+ "); credentials are checked by the first requests once etcd answers");
		}
	}

	private static String display(URI endpoint) {
		return endpoint.getScheme() + "://" + endpoint.getHost() + ":" + endpoint.getPort();
	}

}
