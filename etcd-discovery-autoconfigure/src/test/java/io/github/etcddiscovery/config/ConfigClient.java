package io.github.etcddiscovery.config;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * What an application that takes its configuration from etcd has: a {@code @RefreshScope}
 * bean built from a property, a {@code @ConfigurationProperties} bean, and (for the tests) a
 * record of every refresh and what the environment held right after it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConfigClient.DemoProperties.class)
public class ConfigClient {

	@Bean
	@RefreshScope
	public Greeting greeting(@Value("${greeting.message:none}") String message) {
		return new Greeting(message);
	}

	@Bean
	public Refreshes refreshes(Environment environment) {
		return new Refreshes(environment);
	}

	/** Made again, with the new value, after each refresh. */
	public static class Greeting {

		private final String message;

		public Greeting(String message) {
			this.message = message;
		}

		public String message() {
			return this.message;
		}

	}

	@ConfigurationProperties("demo")
	public static class DemoProperties {

		private String a = "none";

		private String b = "none";

		private String timeout = "none";

		public String getA() {
			return this.a;
		}

		public void setA(String a) {
			this.a = a;
		}

		public String getB() {
			return this.b;
		}

		public void setB(String b) {
			this.b = b;
		}

		public String getTimeout() {
			return this.timeout;
		}

		public void setTimeout(String timeout) {
			this.timeout = timeout;
		}

	}

	/** The refresh events seen, and each environment change with demo.a and demo.b after it. */
	public static class Refreshes {

		private final Environment environment;

		public final List<Long> revisions = new CopyOnWriteArrayList<>();

		public final List<Set<String>> changedKeys = new CopyOnWriteArrayList<>();

		public final List<String> pairsSeen = new CopyOnWriteArrayList<>();

		Refreshes(Environment environment) {
			this.environment = environment;
		}

		@EventListener
		public void onRefresh(RefreshEvent event) {
			this.revisions.add((Long) event.getEvent());
		}

		@EventListener
		public void onChange(EnvironmentChangeEvent event) {
			this.changedKeys.add(Set.copyOf(event.getKeys()));
			this.pairsSeen
				.add(this.environment.getProperty("demo.a") + "/" + this.environment.getProperty("demo.b"));
		}

	}

}
