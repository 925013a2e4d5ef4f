package io.github.etcddiscovery.serviceconnection;

import io.github.etcddiscovery.test.EtcdTestContainer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published etcd container with {@code @ServiceConnection}, end to end. Needs Docker:
 * where there is none, JUnit reports this class as skipped ("Docker is not available").
 */
@Testcontainers(disabledWithoutDocker = true)
class EtcdContainerServiceConnectionTest {

	@Container
	static final EtcdTestContainer etcd = new EtcdTestContainer();

	@Test
	void anApplicationRegistersInTheContainerWithoutAnEndpointProperty() {
		try (TestApps apps = new TestApps("http://127.0.0.1:9", "/services")) {
			ConfigurableApplicationContext app = apps.startWith(ContainerBean.class, "orders");

			assertThat(etcd.execInContainer("etcdctl", "get", "--prefix", "--keys-only", "/services/").getStdout())
				.contains(apps.keyOf(app));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerBean {

		@Bean
		@ServiceConnection
		EtcdTestContainer etcdContainer() {
			return etcd;
		}

	}

}
