package io.github.etcddiscovery.registry;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration migrated from Spring Cloud Consul keeps its {@code hostname} and
 * {@code instance-zone} spellings; ours win when both are set.
 */
class ConsulSpellingAliasesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Bind.class);

	@Test
	void consulSpellingsBindToHostAndZone() {
		this.runner
			.withPropertyValues("spring.cloud.etcd.discovery.hostname=127.0.0.1",
					"spring.cloud.etcd.discovery.instance-zone=eu-1")
			.run((context) -> {
				EtcdRegistrationProperties properties = context.getBean(EtcdRegistrationProperties.class);
				assertThat(properties.getHost()).isEqualTo("127.0.0.1");
				assertThat(properties.getZone()).isEqualTo("eu-1");
			});
	}

	@Test
	void ourSpellingsWinOverTheAliases() {
		this.runner
			.withPropertyValues("spring.cloud.etcd.discovery.instance-zone=eu-1",
					"spring.cloud.etcd.discovery.hostname=127.0.0.2", "spring.cloud.etcd.discovery.host=127.0.0.1",
					"spring.cloud.etcd.discovery.zone=eu-2")
			.run((context) -> {
				EtcdRegistrationProperties properties = context.getBean(EtcdRegistrationProperties.class);
				assertThat(properties.getHost()).isEqualTo("127.0.0.1");
				assertThat(properties.getZone()).isEqualTo("eu-2");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EtcdRegistrationProperties.class)
	static class Bind {

	}

}
