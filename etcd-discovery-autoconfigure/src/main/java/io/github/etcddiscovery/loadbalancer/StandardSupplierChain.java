package io.github.etcddiscovery.loadbalancer;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Puts the standard supplier that {@code spring.cloud.loadbalancer.configurations} names on
 * top of ours, as Spring Cloud LoadBalancer's own configuration would have put it on top of
 * its discovery-client supplier; without its 35 s cache, which a pushed list does not need.
 */
final class StandardSupplierChain {

	static final String PROPERTY = "spring.cloud.loadbalancer.configurations";

	static final List<String> KNOWN = List.of("default", "zone-preference", "health-check",
			"request-based-sticky-session", "same-instance-preference", "weighted", "subset", "api-version");

	private static final Log logger = LogFactory.getLog(StandardSupplierChain.class);

	private StandardSupplierChain() {
	}

	/**
	 * The configuration a client asked for: its own
	 * {@code spring.cloud.loadbalancer.clients.<name>.configurations} first, then the global
	 * one, else {@code default}.
	 */
	static String configurationOf(Environment environment, String clientName) {
		String global = environment.getProperty(PROPERTY, "default");
		return environment.getProperty("spring.cloud.loadbalancer.clients." + clientName + ".configurations", global)
			.trim();
	}

	static ServiceInstanceListSupplierBuilder applyTo(ServiceInstanceListSupplierBuilder builder, String configuration,
			ConfigurableApplicationContext context) {
		return switch (configuration) {
			case "default" -> builder;
			case "zone-preference" -> builder.withZonePreference();
			case "health-check" -> withHealthChecks(builder, context);
			case "request-based-sticky-session" -> builder.withRequestBasedStickySession();
			case "same-instance-preference" -> builder.withSameInstancePreference();
			case "weighted" -> builder.withWeighted();
			case "subset" -> builder.withSubset();
			case "api-version" -> reactive(context) ? builder.withReactiveApiVersioning()
					: builder.withBlockingApiVersioning();
			default -> {
				logger.warn(PROPERTY + "=" + configuration + " is not one of " + KNOWN
						+ "; load balancing over every UP instance");
				yield builder;
			}
		};
	}

	/** Pings through plain clients of our own, whatever clients the application defines. */
	private static ServiceInstanceListSupplierBuilder withHealthChecks(ServiceInstanceListSupplierBuilder builder,
			ConfigurableApplicationContext context) {
		ServiceInstanceListSupplierBuilder checked = HealthCheckPings.withHealthChecks(builder, context,
				reactive(context));
		if (checked == null) {
			logger.warn(PROPERTY + "=health-check needs spring-web or spring-webflux to ping instances with;"
					+ " load balancing over every UP instance without health checks");
			return builder;
		}
		return checked;
	}

	private static boolean reactive(ConfigurableApplicationContext context) {
		return context.getEnvironment().getProperty("spring.cloud.discovery.reactive.enabled", Boolean.class, true)
				&& hasBean(context, ReactiveDiscoveryClient.class);
	}

	private static boolean hasBean(ConfigurableApplicationContext context, Class<?> type) {
		return BeanFactoryUtils.beanNamesForTypeIncludingAncestors(context, type).length > 0;
	}

}
