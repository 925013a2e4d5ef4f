package io.github.etcddiscovery.health;

import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.util.ClassUtils;

/**
 * Tells Spring Cloud's discovery health indicators ({@code discoveryComposite} in
 * {@code /actuator/health}) that discovery works once the first view is loaded from etcd.
 * They wait for an {@link InstanceRegisteredEvent}, which only a registration publishes: an
 * application that only discovers ({@code register=false}) would show {@code UNKNOWN},
 * "Discovery Client not initialized", forever. The event is handed to those indicators
 * alone, never published: other listeners of it (route refreshers, admin servers) must not
 * believe that this application registered.
 */
public class DiscoveryHealthInitializer implements SmartInitializingSingleton {

	static final List<String> INDICATORS = List.of(
			"org.springframework.cloud.client.discovery.health.DiscoveryClientHealthIndicator",
			"org.springframework.cloud.client.discovery.health.reactive.ReactiveDiscoveryClientHealthIndicator");

	private final EtcdDiscoveryCache cache;

	private final ListableBeanFactory beans;

	public DiscoveryHealthInitializer(EtcdDiscoveryCache cache, ListableBeanFactory beans) {
		this.cache = cache;
		this.beans = beans;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<ApplicationListener<InstanceRegisteredEvent<?>>> indicators = indicators();
		if (indicators.isEmpty()) {
			return;
		}
		this.cache.firstViewLoaded().thenAccept((revision) -> {
			InstanceRegisteredEvent<String> loaded = new InstanceRegisteredEvent<>(this.cache,
					"etcd discovery view loaded at revision " + revision);
			indicators.forEach((indicator) -> indicator.onApplicationEvent(loaded));
		});
	}

	@SuppressWarnings("unchecked")
	private List<ApplicationListener<InstanceRegisteredEvent<?>>> indicators() {
		List<ApplicationListener<InstanceRegisteredEvent<?>>> indicators = new ArrayList<>();
		ClassLoader classLoader = getClass().getClassLoader();
		for (String type : INDICATORS) {
			if (ClassUtils.isPresent(type, classLoader)) {
				this.beans.getBeansOfType(ClassUtils.resolveClassName(type, classLoader), false, false)
					.values()
					.forEach((indicator) -> indicators.add((ApplicationListener<InstanceRegisteredEvent<?>>) indicator));
			}
		}
		return indicators;
	}

}
