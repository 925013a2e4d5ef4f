package io.github.etcddiscovery.registry;

import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.client.serviceregistry.RegistrationLifecycle;
import org.springframework.cloud.client.serviceregistry.RegistrationManagementLifecycle;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * The beans Spring Cloud applications use to take part in registration: our
 * {@link EtcdRegistrationCustomizer}s, and Spring Cloud Commons'
 * {@link RegistrationLifecycle} and {@link RegistrationManagementLifecycle}, called around
 * registration and deregistration in the order {@code AbstractAutoServiceRegistration} calls
 * them.
 */
public final class RegistrationHooks {

	private final List<EtcdRegistrationCustomizer> customizers;

	private final List<RegistrationLifecycle<EtcdRegistration>> lifecycles;

	private final List<RegistrationManagementLifecycle<EtcdRegistration>> managementLifecycles;

	public RegistrationHooks(List<EtcdRegistrationCustomizer> customizers,
			List<RegistrationLifecycle<EtcdRegistration>> lifecycles,
			List<RegistrationManagementLifecycle<EtcdRegistration>> managementLifecycles) {
		this.customizers = sorted(customizers);
		this.lifecycles = sorted(lifecycles);
		this.managementLifecycles = sorted(managementLifecycles);
	}

	public static RegistrationHooks none() {
		return new RegistrationHooks(List.of(), List.of(), List.of());
	}

	void customize(EtcdRegistration registration) {
		this.customizers.forEach(customizer -> customizer.customize(registration));
	}

	void register(EtcdRegistration registration, Runnable register) {
		this.lifecycles.forEach(lifecycle -> lifecycle.postProcessBeforeStartRegister(registration));
		register.run();
		this.lifecycles.forEach(lifecycle -> lifecycle.postProcessAfterStartRegister(registration));
	}

	void deregister(EtcdRegistration registration, Runnable deregister) {
		this.lifecycles.forEach(lifecycle -> lifecycle.postProcessBeforeStopRegister(registration));
		deregister.run();
		this.lifecycles.forEach(lifecycle -> lifecycle.postProcessAfterStopRegister(registration));
	}

	void registerManagement(EtcdRegistration management, Runnable register) {
		this.managementLifecycles.forEach(lifecycle -> lifecycle.postProcessBeforeStartRegisterManagement(management));
		register.run();
		this.managementLifecycles.forEach(lifecycle -> lifecycle.postProcessAfterStartRegisterManagement(management));
	}

	void deregisterManagement(EtcdRegistration management, Runnable deregister) {
		this.managementLifecycles.forEach(lifecycle -> lifecycle.postProcessBeforeStopRegisterManagement(management));
		deregister.run();
		this.managementLifecycles.forEach(lifecycle -> lifecycle.postProcessAfterStopRegisterManagement(management));
	}

	private static <T> List<T> sorted(List<T> beans) {
		List<T> copy = new ArrayList<>(beans);
		AnnotationAwareOrderComparator.sort(copy);
		return List.copyOf(copy);
	}

}
