package io.github.etcddiscovery.loadbalancer;

import java.net.http.HttpClient;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The clients that {@code health-check} load balancing pings instances with: plain ones of
 * our own, never the application's. Spring Cloud LoadBalancer's
 * {@code withHealthChecks()} and {@code withBlockingHealthChecks()} take the application's
 * {@code WebClient.Builder} or {@code RestTemplate} bean, which in the usual setup is
 * {@code @LoadBalanced}: it then reads {@code http://127.0.0.1:8080/actuator/health} as a call
 * to a service named {@code 127.0.0.1}, every ping fails and no instance is ever offered.
 * Pings address an instance directly, so they must not be load balanced.
 */
final class HealthCheckPings {

	private static final String WEB_CLIENT = "org.springframework.web.reactive.function.client.WebClient";

	private static final String REST_CLIENT = "org.springframework.web.client.RestClient";

	private HealthCheckPings() {
	}

	/**
	 * Health checks on top of {@code builder}: non-blocking pings when WebFlux is there and
	 * the application discovers reactively (Spring Cloud LoadBalancer's own preference),
	 * blocking ones otherwise; {@code null} when neither client is on the class path.
	 */
	static @Nullable ServiceInstanceListSupplierBuilder withHealthChecks(ServiceInstanceListSupplierBuilder builder,
			ConfigurableApplicationContext context, boolean reactive) {
		ClassLoader classLoader = context.getClassLoader();
		if (reactive && ClassUtils.isPresent(WEB_CLIENT, classLoader)) {
			// The health-check supplier cancels a ping that outlasts its interval.
			return builder.withHealthChecks(WebClient.create());
		}
		if (ClassUtils.isPresent(REST_CLIENT, classLoader)) {
			return builder.withBlockingHealthChecks(blockingClient(interval(context)));
		}
		return null;
	}

	/**
	 * A blocking ping cannot be cancelled, so it gets timeouts of its own: no longer than
	 * the health-check interval, after which the supplier has given up on it anyway.
	 */
	private static RestClient blockingClient(Duration timeout) {
		HttpClient http = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
		requests.setReadTimeout(timeout);
		return RestClient.builder().requestFactory(requests).build();
	}

	/** This client's {@code spring.cloud.loadbalancer[.clients.<name>].health-check.interval}. */
	private static Duration interval(ConfigurableApplicationContext context) {
		String serviceId = LoadBalancerClientFactory.getName(context.getEnvironment());
		return context.getBean(LoadBalancerClientFactory.class).getProperties(serviceId).getHealthCheck().getInterval();
	}

}
