package io.github.etcddiscovery.serviceconnection;

import java.net.URI;
import java.util.List;

import io.github.etcddiscovery.client.EtcdConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.util.ClassUtils;

/**
 * {@code @ServiceConnection} for an etcd container, so that a user's test needs no
 * {@code spring.cloud.etcd.endpoints}: the etcd-discovery-test module's
 * {@code EtcdTestContainer} however it is declared, and any container of one of the common
 * etcd images where Spring Boot knows the image (a {@code @Container} field), or whose
 * {@code @ServiceConnection} names one. Only the client port 2379 is used; the container
 * runs etcd without TLS or authentication.
 */
public class EtcdContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, EtcdConnectionDetails> {

	static final int CLIENT_PORT = 2379;

	/** Image repositories as Testcontainers names them (without registry or tag). */
	static final List<String> IMAGES = List.of("etcd-development/etcd", "coreos/etcd", "bitnami/etcd");

	/** Matched by type, since a {@code @Bean} method does not tell Spring Boot its image. */
	private static final @Nullable Class<?> TEST_CONTAINER = ClassUtils.isPresent(
			"io.github.etcddiscovery.test.EtcdTestContainer", EtcdContainerConnectionDetailsFactory.class.getClassLoader())
					? ClassUtils.resolveClassName("io.github.etcddiscovery.test.EtcdTestContainer",
							EtcdContainerConnectionDetailsFactory.class.getClassLoader())
					: null;

	public EtcdContainerConnectionDetailsFactory() {
		super(IMAGES);
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<Container<?>> source, Class<?> requiredContainerType,
			Class<?> requiredConnectionDetailsType) {
		return super.sourceAccepts(source, requiredContainerType, requiredConnectionDetailsType)
				|| (TEST_CONTAINER != null
						&& source.accepts(ANY_CONNECTION_NAME, TEST_CONTAINER, requiredConnectionDetailsType));
	}

	@Override
	protected EtcdConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new ContainerEtcdConnectionDetails(source);
	}

	static final class ContainerEtcdConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements EtcdConnectionDetails {

		ContainerEtcdConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public List<URI> getEndpoints() {
			Container<?> container = getContainer();
			return List.of(URI.create("http://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT)));
		}

	}

}
