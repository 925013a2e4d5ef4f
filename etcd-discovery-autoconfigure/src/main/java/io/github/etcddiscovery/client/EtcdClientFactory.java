package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Builds the jetcd {@link Client} from {@link EtcdProperties}.
 * <p>
 * No authority is set: jetcd then verifies each endpoint's certificate against that
 * endpoint's own host, which is what a cluster with one certificate per member needs.
 */
public class EtcdClientFactory {

	private final EtcdProperties properties;

	private final @Nullable EtcdTls tls;

	private final List<EtcdClientCustomizer> customizers;

	public EtcdClientFactory(EtcdProperties properties, @Nullable EtcdTls tls, List<EtcdClientCustomizer> customizers) {
		this.properties = properties;
		this.tls = tls;
		this.customizers = customizers;
	}

	public Client create() {
		ClientBuilder builder = Client.builder()
			.endpoints(this.properties.endpointUris())
			.connectTimeout(this.properties.getConnectTimeout());
		if (StringUtils.hasText(this.properties.getNamespace())) {
			builder.namespace(bytes(this.properties.getNamespace()));
		}
		if (StringUtils.hasText(this.properties.getUsername())) {
			builder.user(bytes(this.properties.getUsername()));
			builder.password(bytes(this.properties.getPassword() != null ? this.properties.getPassword() : ""));
		}
		if (this.tls != null) {
			builder.sslContext(this.tls.nettyContext());
		}
		this.customizers.forEach(customizer -> customizer.customize(builder));
		return builder.build();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
