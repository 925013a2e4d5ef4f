package io.github.etcddiscovery.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * One TLS handshake with an etcd endpoint, the way jetcd's channel would make it (same trust,
 * same client certificate, host name verified), to say what is wrong when TLS fails. gRPC
 * reports a failed handshake only as "unavailable", and jetcd keeps waiting for a connection;
 * this probe gets the real reason.
 */
final class EtcdTlsProbe {

	private static final byte[] VERSION_REQUEST = "GET /version HTTP/1.1\r\nHost: etcd\r\nConnection: close\r\n\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	private final EtcdTls tls;

	private final Duration timeout;

	EtcdTlsProbe(EtcdTls tls, Duration timeout) {
		this.tls = tls;
		this.timeout = timeout;
	}

	/** What the endpoint said to our handshake. */
	Result probe(URI endpoint) {
		String host = endpoint.getHost();
		int millis = (int) Math.min(Integer.MAX_VALUE, this.timeout.toMillis());
		Socket raw = new Socket();
		try {
			raw.connect(new InetSocketAddress(host, endpoint.getPort()), millis);
			raw.setSoTimeout(millis);
		}
		catch (IOException ex) {
			close(raw);
			return Result.UNREACHABLE;
		}
		try (SSLSocket socket = (SSLSocket) this.tls.jdkContext()
			.getSocketFactory()
			.createSocket(raw, host, endpoint.getPort(), true)) {
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			return afterHandshake(socket);
		}
		catch (SocketTimeoutException ex) {
			return Result.UNREACHABLE;
		}
		catch (SSLException ex) {
			return classify(ex);
		}
		catch (IOException ex) {
			return new Result(Kind.HANDSHAKE_FAILED, EtcdTls.messages(ex));
		}
	}

	/**
	 * With TLS 1.3 the server judges our certificate after our side of the handshake is done:
	 * its verdict is the answer to the first request. When it has already closed the
	 * connection with its alert, our request meets a broken pipe or a reset instead of the
	 * alert; with a client certificate presented, that is the same verdict.
	 */
	private Result afterHandshake(SSLSocket socket) throws IOException {
		try {
			socket.getOutputStream().write(VERSION_REQUEST);
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			in.read();
			return Result.OK;
		}
		catch (SSLException | SocketTimeoutException ex) {
			throw ex;
		}
		catch (IOException ex) {
			String messages = EtcdTls.messages(ex);
			String lower = messages.toLowerCase(java.util.Locale.ROOT);
			boolean closedOnUs = lower.contains("broken pipe") || lower.contains("connection reset");
			if (closedOnUs && this.tls.hasClientCertificate()) {
				return new Result(Kind.CLIENT_CERTIFICATE_REJECTED, messages);
			}
			throw ex;
		}
	}

	private static Result classify(SSLException ex) {
		String messages = EtcdTls.messages(ex);
		String lower = messages.toLowerCase(java.util.Locale.ROOT);
		if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
			return new Result(Kind.HOST_NOT_IN_CERTIFICATE, messages);
		}
		if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("certpath")) {
			return new Result(Kind.SERVER_NOT_TRUSTED, messages);
		}
		if (lower.contains("bad_certificate") || lower.contains("certificate_required")
				|| lower.contains("unknown_ca") || lower.contains("certificate_unknown")) {
			return new Result(Kind.CLIENT_CERTIFICATE_REJECTED, messages);
		}
		if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")) {
			return new Result(Kind.NOT_TLS, messages);
		}
		return new Result(Kind.HANDSHAKE_FAILED, messages);
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Never connected; nothing to release.
		}
	}

	enum Kind {

		OK, UNREACHABLE, SERVER_NOT_TRUSTED, HOST_NOT_IN_CERTIFICATE, CLIENT_CERTIFICATE_REJECTED, NOT_TLS,
		HANDSHAKE_FAILED

	}

	record Result(Kind kind, @Nullable String detail) {

		static final Result OK = new Result(Kind.OK, null);

		static final Result UNREACHABLE = new Result(Kind.UNREACHABLE, null);

		boolean isTlsProblem() {
			return this.kind != Kind.OK && this.kind != Kind.UNREACHABLE;
		}

	}

}
