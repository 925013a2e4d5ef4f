package io.github.etcddiscovery.client;

import io.etcd.jetcd.ClientBuilder;

/**
 * Changes the jetcd {@link ClientBuilder} before the shared client is built: to add a gRPC
 * interceptor (request metrics do), say. Every bean of this type is applied, in order, after
 * the {@code spring.cloud.etcd.*} settings.
 */
@FunctionalInterface
public interface EtcdClientCustomizer {

	void customize(ClientBuilder builder);

}
