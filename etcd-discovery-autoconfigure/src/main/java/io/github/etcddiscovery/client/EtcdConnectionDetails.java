package io.github.etcddiscovery.client;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where etcd is and who we are to it, in Spring Boot's {@link ConnectionDetails} style: a
 * bean of this type (from {@code @ServiceConnection} on an etcd container, Docker Compose,
 * the etcd test module, or your own) wins over the {@code spring.cloud.etcd} endpoints and
 * credentials. Everything else (namespace, timeouts, TLS bundle) stays in the properties.
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

	/** Client URLs, http or https, without user info. */
	List<URI> getEndpoints();

	default @Nullable String getUsername() {
		return null;
	}

	default @Nullable String getPassword() {
		return null;
	}

	/** The endpoints as {@code scheme://host:port}, safe to show in logs and health. */
	default List<String> displayEndpoints() {
		return getEndpoints().stream().map(u -> u.getScheme() + "://" + u.getHost() + ":" + u.getPort()).toList();
	}

}
