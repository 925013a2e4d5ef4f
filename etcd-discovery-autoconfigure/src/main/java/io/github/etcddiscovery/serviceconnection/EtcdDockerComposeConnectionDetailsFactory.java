package io.github.etcddiscovery.serviceconnection;

import java.net.URI;
import java.util.List;

import io.github.etcddiscovery.client.EtcdConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

/**
 * Spring Boot's Docker Compose support for etcd services of the common images: the
 * application connects to the etcd that {@code compose.yaml} starts. Bitnami's image with
 * {@code ETCD_ROOT_PASSWORD} gets the {@code root} user.
 */
public class EtcdDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<EtcdConnectionDetails> {

	static final int CLIENT_PORT = 2379;

	public EtcdDockerComposeConnectionDetailsFactory() {
		super(new String[] { "gcr.io/etcd-development/etcd", "quay.io/coreos/etcd", "bitnami/etcd" });
	}

	@Override
	protected EtcdConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new ComposeEtcdConnectionDetails(source.getRunningService());
	}

	static final class ComposeEtcdConnectionDetails extends DockerComposeConnectionDetails
			implements EtcdConnectionDetails {

		private final URI endpoint;

		private final @Nullable String password;

		ComposeEtcdConnectionDetails(RunningService service) {
			super(service);
			this.endpoint = URI.create("http://" + service.host() + ":" + service.ports().get(CLIENT_PORT));
			this.password = service.env().get("ETCD_ROOT_PASSWORD");
		}

		@Override
		public List<URI> getEndpoints() {
			return List.of(this.endpoint);
		}

		@Override
		public @Nullable String getUsername() {
			return (this.password != null) ? "root" : null;
		}

		@Override
		public @Nullable String getPassword() {
			return this.password;
		}

		@Override
		public String toString() {
			return "ComposeEtcdConnectionDetails{endpoint=" + this.endpoint + ", username=" + getUsername()
					+ ", password=" + (this.password == null ? "null" : "******") + "}";
		}

	}

}
