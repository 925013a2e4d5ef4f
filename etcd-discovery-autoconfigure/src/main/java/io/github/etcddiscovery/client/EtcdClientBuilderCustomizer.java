package io.github.etcddiscovery.client;

import io.etcd.jetcd.ClientBuilder;

/**
 * Adjusts jetcd's {@link ClientBuilder} after the starter has applied the endpoints,
 * credentials, namespace, timeouts and TLS, and before the client is built: for the jetcd
 * settings the properties do not cover (keep-alive, retries, gRPC channel options,
 * interceptors). Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface EtcdClientBuilderCustomizer {

	void customize(ClientBuilder builder);

}
