package io.github.etcddiscovery.serviceconnection;

import java.lang.reflect.Constructor;
import java.net.URI;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.client.EtcdConnectionDetails;
import io.github.etcddiscovery.test.EtcdTestContainer;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service connections, wired without Docker: a {@code @ServiceConnection} container bean
 * and a Docker Compose service whose ports lead to a real etcd process. The application
 * registers there although its endpoint property points at nothing.
 */
class ServiceConnectionIntegrationTest {

	private static final String NOBODY = "spring.cloud.etcd.endpoints=http://127.0.0.1:9";

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void serviceConnectionOnAnEtcdContainerBeanConnectsTheStarter() {
		ConfigurableApplicationContext app = this.apps.startWith(ContainerBean.class, "orders", NOBODY);

		assertThat(app.getBean(EtcdConnectionDetails.class).getClass().getSimpleName())
			.isEqualTo("ContainerEtcdConnectionDetails");
		assertThat(this.apps.etcd().keys(this.apps.keyOf(app))).containsExactly(this.apps.keyOf(app));
	}

	@Test
	void dockerComposeEtcdServiceBecomesTheConnection() throws Exception {
		EtcdConnectionDetails details = new EtcdDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source(new ComposeService("bitnami/etcd:3.5", Map.of("ETCD_ROOT_PASSWORD", "s3cret"))));

		assertThat(details.getEndpoints()).containsExactly(URI.create(SharedEtcd.get().clientEndpoint()));
		assertThat(details.getUsername()).isEqualTo("root");
		assertThat(details.toString()).doesNotContain("s3cret");
		ComposeDetails.details = new EtcdDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source(new ComposeService("gcr.io/etcd-development/etcd:v3.5.17", Map.of())));
		ConfigurableApplicationContext app = this.apps.startWith(ComposeDetails.class, "orders", NOBODY);

		assertThat(this.apps.etcd().keys(this.apps.keyOf(app))).containsExactly(this.apps.keyOf(app));
	}

	@Test
	void composeServicesOfOtherImagesAreNotEtcd() throws Exception {
		assertThat(new EtcdDockerComposeConnectionDetailsFactory()
			.getConnectionDetails(source(new ComposeService("redis:7", Map.of())))).isNull();
	}

	private static DockerComposeConnectionSource source(RunningService service) throws Exception {
		Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
			.getDeclaredConstructor(RunningService.class, org.springframework.core.env.Environment.class);
		constructor.setAccessible(true);
		return constructor.newInstance(service, new StandardEnvironment());
	}

	/** The container Testcontainers would start, with its mapped port leading to the shared etcd. */
	static class LoopbackEtcdContainer extends EtcdTestContainer {

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public String getHost() {
			return "127.0.0.1";
		}

		@Override
		public Integer getMappedPort(int originalPort) {
			return URI.create(SharedEtcd.get().clientEndpoint()).getPort();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerBean {

		@Bean
		@ServiceConnection
		EtcdTestContainer etcd() {
			return new LoopbackEtcdContainer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ComposeDetails {

		static EtcdConnectionDetails details;

		@Bean
		EtcdConnectionDetails etcdConnectionDetails() {
			return details;
		}

	}

	/** A compose service as Spring Boot sees it once {@code docker compose up} has run. */
	record ComposeService(String imageName, Map<String, String> env) implements RunningService {

		@Override
		public String name() {
			return "etcd";
		}

		@Override
		public ImageReference image() {
			return ImageReference.of(this.imageName);
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public ConnectionPorts ports() {
			int port = URI.create(SharedEtcd.get().clientEndpoint()).getPort();
			return new ConnectionPorts() {

				@Override
				public int get(int containerPort) {
					return port;
				}

				@Override
				public List<Integer> getAll() {
					return List.of(port);
				}

				@Override
				public List<Integer> getAll(String protocol) {
					return List.of(port);
				}

			};
		}

		@Override
		public Map<String, String> labels() {
			return Map.of();
		}

	}

}
