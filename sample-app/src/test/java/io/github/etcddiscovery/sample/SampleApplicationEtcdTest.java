package io.github.etcddiscovery.sample;

import java.util.List;

import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.EtcdTest;
import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a user tests an application with the starter: {@code @EtcdTest} next to
 * {@code @SpringBootTest}, and nothing else. The application connects to a real etcd on a
 * free loopback port, registers, and finds itself.
 */
@EtcdTest
// The gateway is on this module's test classpath for another test; the sample is not one.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.cloud.etcd.discovery.prefix=/it-sample-etcd-test",
				"spring.cloud.gateway.server.webflux.enabled=false" })
class SampleApplicationEtcdTest {

	@Autowired
	DiscoveryClient discovery;

	@Autowired
	Registration registration;

	@Test
	void registersInTheTestsEtcdAndFindsItself(EtcdServer etcd) {
		assertThat(etcd).isSameAs(SharedEtcd.get());
		await().untilAsserted(() -> assertThat(this.discovery.getInstances("sample-app"))
			.extracting((instance) -> instance.getInstanceId())
			.containsExactly(this.registration.getInstanceId()));
		String keys = etcd.etcdctl("get", "--prefix", "--keys-only", "/it-sample-etcd-test/");
		assertThat(List.of(keys.strip().split("\\s+")))
			.containsExactly("/it-sample-etcd-test/sample-app/" + this.registration.getInstanceId());
	}

}
