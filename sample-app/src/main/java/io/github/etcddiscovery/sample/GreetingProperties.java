package io.github.etcddiscovery.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The greeting the sample answers with. It comes from etcd (spring.config.import), for example
 * {@code etcdctl put /config/sample-app/sample/greeting "Bonjour"}, and changes in every running
 * instance within milliseconds of the put, without a restart.
 */
@ConfigurationProperties("sample")
public class GreetingProperties {

	/**
	 * What /greeting and /hello answer with.
	 */
	private String greeting = "Hello (not set in etcd)";

	public String getGreeting() {
		return this.greeting;
	}

	public void setGreeting(String greeting) {
		this.greeting = greeting;
	}

}
