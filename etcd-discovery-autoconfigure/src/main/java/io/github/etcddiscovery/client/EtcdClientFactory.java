package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

import org.springframework.util.StringUtils;

/**
 * Builds the jetcd {@link Client} from {@link EtcdProperties}.
 */
public class EtcdClientFactory {

	private final EtcdProperties properties;

	public EtcdClientFactory(EtcdProperties properties) {
		this.properties = properties;
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
		return builder.build();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
