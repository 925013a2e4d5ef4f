package io.github.etcddiscovery.test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EtcdTest} as a user writes it: the etcd arrives as a parameter and, in a Spring
 * test context, as {@code spring.cloud.etcd.endpoints}, winning over the test's own
 * properties.
 */
class EtcdTestExtensionTest {

	@Nested
	@EtcdTest
	@SpringJUnitConfig(Empty.class)
	@TestPropertySource(properties = "spring.cloud.etcd.endpoints=http://127.0.0.1:9")
	class Shared {

		@Value("${spring.cloud.etcd.endpoints}")
		String endpoints;

		@Test
		void springSeesTheSharedEtcdWhichRefusesToBeDisturbed(EtcdServer etcd) throws Exception {
			assertThat(etcd).isSameAs(SharedEtcd.get());
			assertThat(this.endpoints).isEqualTo(etcd.clientEndpoint());
			assertThat(putAndGet(this.endpoints, SharedEtcd.uniquePrefix("extension") + "/k")).isEqualTo("v");
			assertThatThrownBy(etcd::kill).isInstanceOf(UnsupportedOperationException.class);
		}

	}

	@Nested
	@EtcdTest(shared = false)
	@SpringJUnitConfig(Empty.class)
	class Private {

		@Value("${spring.cloud.etcd.endpoints}")
		String endpoints;

		@Test
		void springSeesThisClassesOwnEtcdWhichMayBeRestartedEmpty(EtcdServer etcd) throws Exception {
			assertThat(etcd).isNotSameAs(SharedEtcd.get());
			assertThat(this.endpoints).isEqualTo(etcd.clientEndpoint());
			assertThat(putAndGet(this.endpoints, "/k")).isEqualTo("v");

			etcd.restartEmpty();

			assertThat(etcd.etcdctl("get", "/k")).isBlank();
		}

	}

	private static String putAndGet(String endpoint, String key) throws Exception {
		try (Client client = Client.builder().endpoints(endpoint).build()) {
			ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
			client.getKVClient().put(k, ByteSequence.from("v", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
			return client.getKVClient().get(k).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
