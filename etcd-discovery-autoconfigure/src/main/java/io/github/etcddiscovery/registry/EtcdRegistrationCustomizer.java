package io.github.etcddiscovery.registry;

/**
 * Changes this application's registration before it is first written to etcd: add metadata,
 * say, from something only known at run time. Every bean of this type runs once, in
 * {@link org.springframework.core.annotation.Order order}, just before the first registration
 * (as Spring Cloud Consul's customizers do). To change metadata later, use
 * {@link EtcdServiceRegistry#setMetadata}.
 */
@FunctionalInterface
public interface EtcdRegistrationCustomizer {

	void customize(EtcdRegistration registration);

}
