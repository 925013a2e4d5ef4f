package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;

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
 * <p>
 * jetcd opens one gRPC channel over all endpoints with the {@code round_robin} policy: every
 * new call and every new stream (watch, keep-alive) goes to the next connected endpoint, and
 * an open stream stays where it is. A member cut off from its peers keeps its client
 * connections, so it stays in that rotation. With {@link EtcdProperties#isRequireLeader()}
 * every call and stream carries etcd's require-leader header ({@value #REQUIRE_LEADER}): such
 * a member refuses them at once with "no leader", ends the streams it holds after a few
 * election timeouts, and the retry goes to the next endpoint in the rotation.
 */
public class EtcdClientFactory {

	/** etcd's metadata key for "only if you have a leader" (rpctypes.MetadataRequireLeaderKey). */
	public static final String REQUIRE_LEADER = "hasleader";

	private static final long RETRY_DELAY_MILLIS = 100;

	private static final long RETRY_MAX_DELAY_MILLIS = 1000;

	private final EtcdProperties properties;

	private final @Nullable EtcdTls tls;

	public EtcdClientFactory(EtcdProperties properties, @Nullable EtcdTls tls) {
		this.properties = properties;
		this.tls = tls;
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
		if (this.properties.isRequireLeader()) {
			builder.header(REQUIRE_LEADER, "true");
		}
		// jetcd retries idempotent calls (reads, lease lookups) that fail as unavailable, "no
		// leader" included, and each retry goes to the next endpoint: wait 100 ms rather than
		// its default 500 ms before moving on. Every call is still bounded by request-timeout.
		builder.retryDelay(RETRY_DELAY_MILLIS).retryMaxDelay(RETRY_MAX_DELAY_MILLIS);
		if (this.tls != null) {
			builder.sslContext(this.tls.nettyContext());
		}
		return builder.build();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
