package io.github.etcddiscovery.diagnostics;

import java.time.Duration;

import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.registry.EtcdRegistrationProperties;
import io.github.etcddiscovery.test.SharedEtcd;
import io.github.etcddiscovery.testapp.TestApp;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A setting that cannot work stops the application at startup with Spring Boot's failure
 * report, naming the property, what is wrong, and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"spring.cloud.etcd.discovery.ttl=1s|spring.cloud.etcd.discovery.ttl|shorter than 2s|Set spring.cloud.etcd.discovery.ttl to 2s or more",
			"spring.cloud.etcd.endpoints=|spring.cloud.etcd.endpoints|no etcd endpoint is configured|Set spring.cloud.etcd.endpoints",
			"spring.cloud.etcd.endpoints=localhost:2379|spring.cloud.etcd.endpoints|scheme must be http or https|http://host:2379",
			"spring.cloud.etcd.endpoints=http://|spring.cloud.etcd.endpoints|not a valid URL|http://host:2379",
			"spring.cloud.etcd.request-timeout=0s|spring.cloud.etcd.request-timeout|must be positive|positive duration",
			"spring.cloud.etcd.connect-timeout=-1s|spring.cloud.etcd.connect-timeout|must be positive|positive duration",
			"spring.cloud.etcd.discovery.service-name=a/b|spring.cloud.etcd.discovery.service-name|contain no '/'|without slashes",
			"spring.cloud.etcd.discovery.instance-id=x/y|spring.cloud.etcd.discovery.instance-id|contain no '/'|without slashes",
			"spring.cloud.etcd.discovery.port=70000|spring.cloud.etcd.discovery.port|out of range 1-65535|port peers should call",
			"spring.application.name=|spring.cloud.etcd.discovery.service-name|no service name|Set spring.application.name",
			"spring.cloud.etcd.ssl.bundle=etcd|spring.cloud.etcd.ssl.bundle|the endpoints use http|to https:// URLs",
			"spring.cloud.etcd.endpoints=http://127.0.0.1:2379,https://127.0.0.1:2380|spring.cloud.etcd.endpoints|mixes http and https|for every endpoint",
			"spring.cloud.etcd.discovery.release-unused-after=-1s|spring.cloud.etcd.discovery.release-unused-after|must not be negative|or to 0 to keep every service looked up",
			"spring.cloud.etcd.discovery.release-unused-after=500ms|spring.cloud.etcd.discovery.release-unused-after|shorter than 1s|to 1s or more" })
	void failsAtStartupWithWhatAndHowToFix(String setting, String property, String problem, String action,
			CapturedOutput output) {
		SpringApplicationBuilder app = new SpringApplicationBuilder(TestApp.class).properties("server.port=0",
				"spring.application.name=orders", "spring.cloud.etcd.endpoints=" + SharedEtcd.get().clientEndpoint(),
				"spring.cloud.etcd.discovery.host=127.0.0.1", "spring.cloud.etcd.discovery.prefix=/bad-config",
				"spring.main.banner-mode=off", setting);

		assertThatThrownBy(app::run).hasStackTraceContaining(property);
		assertThat(output).contains("APPLICATION FAILED TO START", "The etcd discovery setting '" + property + "'",
				problem, action);
	}

	/**
	 * Properties classes check themselves when Boot binds them, so a bean of one the user
	 * defines is checked as ours is, with the same report.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"registration|spring.cloud.etcd.discovery.ttl|shorter than 2s|Set spring.cloud.etcd.discovery.ttl to 2s or more",
			"connection|spring.cloud.etcd.request-timeout|must be positive|positive duration" })
	void aUserBeanOfOurPropertiesIsCheckedToo(String bean, String property, String problem, String action,
			CapturedOutput output) {
		SpringApplicationBuilder app = new SpringApplicationBuilder(TestApp.class, UserProperties.class)
			.properties("server.port=0", "spring.application.name=orders",
					"spring.cloud.etcd.endpoints=" + SharedEtcd.get().clientEndpoint(),
					"spring.cloud.etcd.discovery.host=127.0.0.1", "spring.cloud.etcd.discovery.prefix=/bad-config",
					"spring.main.banner-mode=off", "user-properties=" + bean);

		assertThatThrownBy(app::run).hasStackTraceContaining(property)
			.hasStackTraceContaining(BindValidationException.class.getName());
		assertThat(output).contains("APPLICATION FAILED TO START", "The etcd discovery setting '" + property + "'",
				problem, action);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserProperties {

		@Bean
		@Primary
		@ConditionalOnProperty(name = "user-properties", havingValue = "registration")
		EtcdRegistrationProperties userRegistrationProperties() {
			EtcdRegistrationProperties properties = new EtcdRegistrationProperties();
			properties.setTtl(Duration.ofSeconds(1));
			return properties;
		}

		@Bean
		@Primary
		@ConditionalOnProperty(name = "user-properties", havingValue = "connection")
		EtcdProperties userEtcdProperties() {
			EtcdProperties properties = new EtcdProperties();
			properties.setRequestTimeout(Duration.ZERO);
			return properties;
		}

	}

}
