package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Builds the jetcd {@link Client}: endpoints and credentials from
 * {@link EtcdConnectionDetails}, namespace and timeouts from {@link EtcdProperties}, then the
 * user's {@link EtcdClientBuilderCustomizer}s.
 * <p>
 * No authority is set: jetcd then verifies each endpoint's certificate against that
 * endpoint's own host, which is what a cluster with one certificate per member needs.
 */
public class EtcdClientFactory {

	private final EtcdProperties properties;

	private final EtcdConnectionDetails connection;

	private final @Nullable EtcdTls tls;

	private final List<EtcdClientBuilderCustomizer> customizers;

	public EtcdClientFactory(EtcdProperties properties, @Nullable EtcdTls tls) {
		this(properties, new PropertiesEtcdConnectionDetails(properties), tls, List.of());
	}

	public EtcdClientFactory(EtcdProperties properties, EtcdConnectionDetails connection, @Nullable EtcdTls tls,
			List<EtcdClientBuilderCustomizer> customizers) {
		this.properties = properties;
		this.connection = connection;
		this.tls = tls;
		this.customizers = customizers;
	}

	public Client create() {
		ClientBuilder builder = Client.builder()
			.endpoints(this.connection.getEndpoints())
			.connectTimeout(this.properties.getConnectTimeout());
		if (StringUtils.hasText(this.properties.getNamespace())) {
			builder.namespace(bytes(this.properties.getNamespace()));
		}
		String username = this.connection.getUsername();
		if (StringUtils.hasText(username)) {
			String password = this.connection.getPassword();
			builder.user(bytes(username));
			builder.password(bytes(password != null ? password : ""));
		}
		if (this.tls != null) {
			builder.sslContext(this.tls.nettyContext());
		}
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
