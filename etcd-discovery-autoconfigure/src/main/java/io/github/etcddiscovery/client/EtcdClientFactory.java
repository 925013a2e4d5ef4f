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
 * <p>
 * jetcd opens one gRPC channel over all endpoints with the {@code round_robin} policy: every
 * new call and every new stream (watch, keep-alive) goes to the next connected endpoint, and
 * an open stream stays where it is. A member cut off from its peers keeps its client
 * connections, so it stays in that rotation. With {@link EtcdProperties#isRequireLeader()}
 * every call and stream carries etcd's require-leader header ({@value #REQUIRE_LEADER}): such
 * a member refuses them at once with "no leader", ends the streams it holds after a few
 * election timeouts, and the retry goes to the next endpoint in the rotation.
 * <p>
 * Requests start on the thread that makes them ({@link DirectRequestExecutor}), not on a
 * pool of jetcd's, and, unless {@link EtcdProperties#isEventLoopCallbacks()} is turned off,
 * answers and watch events run their callbacks on the connection's event loop (jetcd's
 * {@code useVertx()}: gRPC's I/O on a Vert.x event loop that also runs what gRPC would
 * otherwise hand to its default executor). That is one thread hand-off less at each end of
 * every request and for every watch event, on the path of every registration and
 * deregistration to its callers (figure 2 of the benchmarks). The starter's callbacks never
 * block; any of its calls that would wait for etcd on that thread fails at once
 * ({@link EtcdFutures#requireMayWait}) rather than waiting for an answer that this very thread
 * would have to deliver.
 */
public class EtcdClientFactory {

	/** etcd's metadata key for "only if you have a leader" (rpctypes.MetadataRequireLeaderKey). */
	public static final String REQUIRE_LEADER = "hasleader";

	private static final long RETRY_DELAY_MILLIS = 100;

	private static final long RETRY_MAX_DELAY_MILLIS = 1000;

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
		builder.executorService(new DirectRequestExecutor());
		if (this.properties.isEventLoopCallbacks()) {
			builder.useVertx();
		}
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
