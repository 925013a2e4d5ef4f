package io.github.etcddiscovery.client;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The connection as {@code spring.cloud.etcd.*} configures it, used when no other
 * {@link EtcdConnectionDetails} bean is present.
 */
public class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

	private final EtcdProperties properties;

	public PropertiesEtcdConnectionDetails(EtcdProperties properties) {
		this.properties = properties;
	}

	@Override
	public List<URI> getEndpoints() {
		return this.properties.endpointUris();
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public String toString() {
		return "PropertiesEtcdConnectionDetails{endpoints=" + displayEndpoints() + ", username="
				+ this.properties.getUsername() + ", password=" + (this.properties.getPassword() == null ? "null" : "******")
				+ "}";
	}

}
