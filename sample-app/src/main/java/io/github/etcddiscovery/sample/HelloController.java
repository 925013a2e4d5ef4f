package io.github.etcddiscovery.sample;

import java.util.Map;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

@RestController
class HelloController {

	private final Registration registration;

	private final RestTemplate restTemplate;

	private final WebClient webClient;

	private final GreetingProperties greeting;

	HelloController(Registration registration, RestTemplate restTemplate, WebClient.Builder webClientBuilder,
			GreetingProperties greeting) {
		this.registration = registration;
		this.restTemplate = restTemplate;
		this.webClient = webClientBuilder.build();
		this.greeting = greeting;
	}

	/** The greeting from etcd's configuration, as it is now. */
	@GetMapping("/greeting")
	Map<String, Object> greeting() {
		return Map.of("greeting", this.greeting.getGreeting(), "instance", this.registration.getInstanceId());
	}

	@GetMapping("/hello")
	Map<String, Object> hello() {
		return Map.of("service", this.registration.getServiceId(), "instance", this.registration.getInstanceId(),
				"port", this.registration.getPort());
	}

	/** Calls {@code http://{service}/hello}: the load balancer resolves the name through etcd. */
	@GetMapping("/call/{service}")
	String call(@PathVariable String service) {
		return this.restTemplate.getForObject("http://" + service + "/hello", String.class);
	}

	@GetMapping("/call-reactive/{service}")
	String callReactive(@PathVariable String service) {
		return this.webClient.get().uri("http://" + service + "/hello").retrieve().bodyToMono(String.class).block();
	}

}
