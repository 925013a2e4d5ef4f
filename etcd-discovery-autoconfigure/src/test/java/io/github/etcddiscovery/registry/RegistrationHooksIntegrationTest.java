package io.github.etcddiscovery.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.SpringBootAdminDiscovery;
import io.github.etcddiscovery.testapp.SpringBootAdminDiscovery.AdminRegistration;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.serviceregistry.RegistrationManagementLifecycle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The standard registration hooks (our customizers, Spring Cloud's registration life cycle
 * beans) and a management server on a port of its own, as peers and Spring Boot Admin's
 * discovery see it, against a real etcd.
 */
class RegistrationHooksIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void customizersRunBeforeTheFirstRegistrationAndLifecycleBeansAroundRegistrationAndDeregistration() {
		ConfigurableApplicationContext app = this.apps.startWith(Hooks.class, "orders");
		ConfigurableApplicationContext peer = this.apps.start("gateway");
		String key = this.apps.keyOf(app);
		Recorder recorder = app.getBean(Recorder.class);

		await().until(() -> peer.getBean(EtcdDiscoveryClient.class).getInstances("orders").size() == 1);
		ServiceInstance seen = peer.getBean(EtcdDiscoveryClient.class).getInstances("orders").get(0);
		assertThat(seen.getMetadata()).containsEntry("build", "customized");
		assertThat(recorder.calls).containsExactly("customize", "beforeRegister:absent", "afterRegister:present");

		app.close();

		assertThat(recorder.calls).containsExactly("customize", "beforeRegister:absent", "afterRegister:present",
				"beforeDeregister:present", "afterDeregister:absent");
		assertThat(this.apps.etcd().keys(key)).isEmpty();
	}

	@Test
	void separateManagementPortIsAnnouncedAsSpringBootAdminReadsItAndRegisteredAsAManagementInstance() {
		ConfigurableApplicationContext app = this.apps.startWith(Hooks.class, "orders", "management.server.port=0",
				"management.server.address=127.0.0.1");
		ConfigurableApplicationContext peer = this.apps.start("gateway");
		EtcdDiscoveryClient view = peer.getBean(EtcdDiscoveryClient.class);
		int managementPort = app.getBean(EtcdAutoServiceRegistration.class).getManagementRegistration().getPort();
		assertThat(managementPort).isPositive().isNotEqualTo(TestApps.port(app));

		await().until(() -> view.getInstances("orders").size() == 1 && view.getInstances("orders-management").size() == 1);
		ServiceInstance instance = view.getInstances("orders").get(0);
		assertThat(instance.getMetadata()).containsEntry("management.port", Integer.toString(managementPort))
			.containsEntry("management.context-path", "/actuator")
			.containsEntry("management.address", "127.0.0.1")
			.containsEntry("health.path", "health");
		AdminRegistration admin = SpringBootAdminDiscovery.convert(instance);
		assertThat(admin.managementUrl()).isEqualTo("http://127.0.0.1:" + managementPort + "/actuator");
		assertThat(admin.healthUrl()).isEqualTo("http://127.0.0.1:" + managementPort + "/actuator/health");
		assertThat(admin.serviceUrl()).isEqualTo("http://127.0.0.1:" + TestApps.port(app));
		assertThat(RestClient.create().get().uri(admin.healthUrl()).retrieve().body(String.class))
			.contains("\"status\":\"UP\"");

		ServiceInstance management = view.getInstances("orders-management").get(0);
		assertThat(management.getPort()).isEqualTo(managementPort);
		assertThat(management.getInstanceId()).isEqualTo(TestApps.instanceId(app));
		Recorder recorder = app.getBean(Recorder.class);
		assertThat(recorder.calls).contains("beforeRegisterManagement", "afterRegisterManagement");

		app.close();

		assertThat(recorder.calls).contains("beforeDeregisterManagement", "afterDeregisterManagement");
		await().until(() -> view.getInstances("orders-management").isEmpty());
	}

	@Test
	void registerManagementFalseKeepsTheMetadataButRegistersNoManagementInstance() {
		ConfigurableApplicationContext app = this.apps.startWith(Hooks.class, "orders", "management.server.port=0",
				"spring.cloud.service-registry.auto-registration.register-management=false");
		ConfigurableApplicationContext peer = this.apps.start("gateway");
		EtcdDiscoveryClient view = peer.getBean(EtcdDiscoveryClient.class);

		await().until(() -> view.getInstances("orders").size() == 1);
		assertThat(view.getInstances("orders").get(0).getMetadata()).containsKey("management.port")
			.doesNotContainKey("management.address");
		assertThat(view.getServices()).doesNotContain("orders-management");
		assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders-management/")).isEmpty();
		assertThat(app.getBean(Recorder.class).calls).doesNotContain("beforeRegisterManagement");
	}

	@Test
	void sameManagementPortAddsNoManagementMetadata() {
		ConfigurableApplicationContext app = this.apps.start("orders");

		assertThat(TestApps.registration(app).getMetadata()).doesNotContainKey("management.port");
		assertThat(this.apps.etcd().keys(this.apps.prefix() + "/orders-management/")).isEmpty();
	}

	static final class Recorder {

		final List<String> calls = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class Hooks {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		EtcdRegistrationCustomizer buildCustomizer(Recorder recorder) {
			return registration -> {
				recorder.calls.add("customize");
				registration.getMetadata().put("build", "customized");
			};
		}

		@Bean
		RegistrationManagementLifecycle<EtcdRegistration> lifecycle(Recorder recorder, EtcdServiceRegistry registry) {
			return new RegistrationManagementLifecycle<>() {

				@Override
				public void postProcessBeforeStartRegister(EtcdRegistration registration) {
					recorder.calls.add("beforeRegister:" + keyState(registration));
				}

				@Override
				public void postProcessAfterStartRegister(EtcdRegistration registration) {
					recorder.calls.add("afterRegister:" + keyState(registration));
				}

				@Override
				public void postProcessBeforeStopRegister(EtcdRegistration registration) {
					recorder.calls.add("beforeDeregister:" + keyState(registration));
				}

				@Override
				public void postProcessAfterStopRegister(EtcdRegistration registration) {
					recorder.calls.add("afterDeregister:" + keyState(registration));
				}

				@Override
				public void postProcessBeforeStartRegisterManagement(EtcdRegistration management) {
					recorder.calls.add("beforeRegisterManagement");
				}

				@Override
				public void postProcessAfterStartRegisterManagement(EtcdRegistration management) {
					recorder.calls.add("afterRegisterManagement");
				}

				@Override
				public void postProcessBeforeStopRegisterManagement(EtcdRegistration management) {
					recorder.calls.add("beforeDeregisterManagement");
				}

				@Override
				public void postProcessAfterStopRegisterManagement(EtcdRegistration management) {
					recorder.calls.add("afterDeregisterManagement");
				}

				private String keyState(EtcdRegistration registration) {
					return registry.lease(registration).map(lease -> "present").orElse("absent");
				}

			};
		}

	}

}
