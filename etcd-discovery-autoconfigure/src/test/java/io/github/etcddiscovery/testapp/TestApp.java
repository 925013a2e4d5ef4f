package io.github.etcddiscovery.testapp;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A service as our users write one: it answers {@code /hello} with who it is, and calls its
 * peers through load-balanced clients. Also runnable as a separate JVM, for tests that kill
 * a process.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class TestApp {

	/** Released by tests that hold a request in flight across a shutdown. */
	public static volatile CountDownLatch slowRequestGate = new CountDownLatch(0);

	public static volatile CountDownLatch slowRequestStarted = new CountDownLatch(1);

	public static void main(String[] args) {
		SpringApplication.run(TestApp.class, args);
	}

	@Bean
	@LoadBalanced
	RestTemplate restTemplate() {
		return new RestTemplate();
	}

	@Bean
	@LoadBalanced
	RestClient.Builder restClientBuilder() {
		return RestClient.builder();
	}

	@Bean
	@LoadBalanced
	WebClient.Builder webClientBuilder() {
		return WebClient.builder();
	}

	@RestController
	static class HelloController {

		private final Registration registration;

		HelloController(Registration registration) {
			this.registration = registration;
		}

		@GetMapping("/hello")
		Map<String, Object> hello() {
			return Map.of("instance", this.registration.getInstanceId(), "port", this.registration.getPort());
		}

		@GetMapping("/slow")
		String slow() throws InterruptedException {
			slowRequestStarted.countDown();
			return slowRequestGate.await(30, TimeUnit.SECONDS) ? "done" : "timeout";
		}

	}

}
