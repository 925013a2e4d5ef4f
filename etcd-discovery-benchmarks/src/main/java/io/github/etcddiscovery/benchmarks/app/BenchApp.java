package io.github.etcddiscovery.benchmarks.app;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * The application every system is measured with: it answers {@code /hello} with its instance
 * id (in the shape the autoconfigure module's {@code CallStream} reads) and calls its peers
 * through a load-balanced {@link RestClient}. Which registry it uses is only a matter of
 * properties (see {@code Registry}), so the three systems run the very same code.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BenchApp {

	/**
	 * Printed once the application is ready (with {@code -Dbench.print-ready=true}); a parent
	 * process waits for it. With {@code -Dbench.ready-when-registered=true} as well, an
	 * application that registers itself prints it only once it is both ready and registered,
	 * whichever of the two {@link ApplicationReadyEvent} listeners runs first.
	 */
	public static final String READY = "BENCH-APP-READY";

	private final AtomicBoolean readySeen = new AtomicBoolean();

	private final AtomicBoolean registeredSeen = new AtomicBoolean();

	private final AtomicBoolean printed = new AtomicBoolean();

	public static void main(String[] args) {
		SpringApplication.run(BenchApp.class, args);
	}

	/** The callers' client: looks the service up on every call. */
	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedRestClientBuilder() {
		return RestClient.builder();
	}

	/**
	 * What other beans that want a builder get, the Eureka client's transport above all, which
	 * must reach the Eureka server by its address, not through the load balancer.
	 */
	@Bean
	@Primary
	RestClient.Builder restClientBuilder() {
		return RestClient.builder();
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		this.readySeen.set(true);
		boolean registers = Boolean.getBoolean("bench.ready-when-registered")
				&& event.getApplicationContext().getBeanProvider(AutoServiceRegistration.class).getIfAvailable() != null;
		printOnce(!registers || this.registeredSeen.get());
	}

	@EventListener
	void registered(InstanceRegisteredEvent<?> event) {
		if (event.getSource() instanceof AutoServiceRegistration) {
			this.registeredSeen.set(true);
			printOnce(this.readySeen.get());
		}
	}

	private void printOnce(boolean done) {
		if (done && Boolean.getBoolean("bench.print-ready") && this.printed.compareAndSet(false, true)) {
			System.out.println(READY);
		}
	}

	@RestController
	static class HelloController {

		private final String instance;

		HelloController(@Value("${bench.instance-id}") String instance) {
			this.instance = instance;
		}

		@GetMapping("/hello")
		Map<String, Object> hello() {
			return Map.of("instance", this.instance);
		}

	}

}
