package io.github.etcddiscovery;

import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.client.EtcdReconnectWatchdog;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.discovery.EtcdDiscoveryClientAutoConfiguration;
import io.github.etcddiscovery.discovery.EtcdReactiveDiscoveryClient;
import io.github.etcddiscovery.discovery.EtcdReactiveDiscoveryClientAutoConfiguration;
import io.github.etcddiscovery.health.EtcdHealthAutoConfiguration;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.instance.EtcdKeyspaceAutoConfiguration;
import io.github.etcddiscovery.instance.EtcdKeyspaceProperties;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistrationAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.registry.EtcdRegistrationProperties;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.registry.EtcdServiceRegistryAutoConfiguration;
import io.github.etcddiscovery.loadbalancer.EtcdLoadBalancerAutoConfiguration;
import io.github.etcddiscovery.loadbalancer.EtcdLoadBalancerClientConfiguration;
import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerZoneConfig;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which beans exist under which settings. Every switch a user has, and user beans winning
 * over ours.
 */
class EtcdAutoConfigurationTest {

	/**
	 * Nothing listens there: which beans exist does not depend on a running etcd. The
	 * connection check is a bean post-processor of its own that lets an unreachable etcd pass,
	 * and the discovery view starts empty when etcd does not answer within twice the request
	 * timeout, kept short here.
	 */
	static final String[] NO_ETCD = { "spring.cloud.etcd.endpoints=http://127.0.0.1:9",
			"spring.cloud.etcd.request-timeout=100ms" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class, EtcdKeyspaceAutoConfiguration.class,
				EtcdDiscoveryCacheAutoConfiguration.class, EtcdDiscoveryClientAutoConfiguration.class,
				EtcdReactiveDiscoveryClientAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
				EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdHealthAutoConfiguration.class,
				UtilAutoConfiguration.class, AutoServiceRegistrationAutoConfiguration.class))
		.withPropertyValues(NO_ETCD)
		.withPropertyValues("spring.cloud.etcd.discovery.prefix=" + SharedEtcd.uniquePrefix("autoconfig"),
				"spring.application.name=orders");

	@Test
	void everythingIsOnByDefault() {
		this.runner.run(context -> assertThat(context).hasSingleBean(Client.class)
			.hasSingleBean(EtcdDiscoveryCache.class)
			.hasSingleBean(EtcdDiscoveryClient.class)
			.hasSingleBean(EtcdReactiveDiscoveryClient.class)
			.hasSingleBean(EtcdServiceRegistry.class)
			.hasSingleBean(EtcdRegistration.class)
			.hasSingleBean(EtcdAutoServiceRegistration.class)
			.hasSingleBean(EtcdHealthIndicator.class)
			.hasBean("etcdHealthIndicator"));
	}

	@Test
	void etcdDisabledTurnsEverythingOff() {
		this.runner.withPropertyValues("spring.cloud.etcd.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(Client.class)
				.doesNotHaveBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdServiceRegistry.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class)
				.doesNotHaveBean(EtcdHealthIndicator.class));
	}

	@Test
	void springCloudDiscoveryDisabledTurnsOffDiscoveryAndAutoRegistration() {
		this.runner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(EtcdDiscoveryCache.class)
				.doesNotHaveBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class)
				.hasSingleBean(EtcdServiceRegistry.class));
	}

	@Test
	void etcdDiscoveryDisabledTurnsOffDiscoveryAndAutoRegistration() {
		this.runner.withPropertyValues("spring.cloud.etcd.discovery.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class));
	}

	@Test
	void blockingAndReactiveClientsHaveTheirOwnSwitches() {
		this.runner.withPropertyValues("spring.cloud.discovery.blocking.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(EtcdDiscoveryClient.class)
				.hasSingleBean(EtcdReactiveDiscoveryClient.class));
		this.runner.withPropertyValues("spring.cloud.discovery.reactive.enabled=false")
			.run(context -> assertThat(context).hasSingleBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class));
	}

	@Test
	void autoRegistrationSwitchesLeaveTheRegistryAndDiscoveryAvailable() {
		for (String off : new String[] { "spring.cloud.service-registry.auto-registration.enabled=false",
				"spring.cloud.etcd.discovery.register=false" }) {
			this.runner.withPropertyValues(off)
				.run(context -> assertThat(context).doesNotHaveBean(EtcdAutoServiceRegistration.class)
					.doesNotHaveBean(EtcdRegistration.class)
					.hasSingleBean(EtcdServiceRegistry.class)
					.hasSingleBean(EtcdDiscoveryClient.class));
		}
	}

	@Test
	void serviceRegistryDisabledTurnsOffRegistration() {
		this.runner.withPropertyValues("spring.cloud.service-registry.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(EtcdServiceRegistry.class)
				.doesNotHaveBean(EtcdAutoServiceRegistration.class)
				.hasSingleBean(EtcdDiscoveryClient.class));
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.etcd.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(EtcdHealthIndicator.class));
	}

	@Test
	void reconnectWatchdogIsOnByDefaultAndCanBeSwitchedOff() {
		this.runner.run(context -> assertThat(context).hasSingleBean(EtcdReconnectWatchdog.class));
		this.runner.withPropertyValues("spring.cloud.etcd.reconnect-watchdog.enabled=false")
			.run(context -> assertThat(context).hasSingleBean(Client.class)
				.doesNotHaveBean(EtcdReconnectWatchdog.class));
	}

	@Test
	void userBeansWinOverOurs() {
		this.runner.withUserConfiguration(UserBeans.class)
			.run(context -> assertThat(context).getBean(EtcdRegistration.class).isSameAs(UserBeans.REGISTRATION));
	}

	@Test
	void registrationIsBuiltFromProperties() {
		this.runner
			.withPropertyValues("spring.cloud.etcd.discovery.service-name=billing",
					"spring.cloud.etcd.discovery.instance-id=billing-7", "spring.cloud.etcd.discovery.host=10.1.2.3",
					"spring.cloud.etcd.discovery.port=8443", "spring.cloud.etcd.discovery.secure=true",
					"spring.cloud.etcd.discovery.zone=eu-1", "spring.cloud.etcd.discovery.metadata.team=payments")
			.run(context -> {
				EtcdRegistration registration = context.getBean(EtcdRegistration.class);
				assertThat(registration.getServiceId()).isEqualTo("billing");
				assertThat(registration.getInstanceId()).isEqualTo("billing-7");
				assertThat(registration.getUri().toString()).isEqualTo("https://10.1.2.3:8443");
				assertThat(registration.getMetadata()).containsAllEntriesOf(Map.of("zone", "eu-1", "team", "payments"));
			});
	}

	@Test
	void registrationDefaultsToTheApplicationNameAndAUniqueInstanceId() {
		this.runner.run(first -> this.runner.run(second -> {
			EtcdRegistration a = first.getBean(EtcdRegistration.class);
			EtcdRegistration b = second.getBean(EtcdRegistration.class);
			assertThat(a.getServiceId()).isEqualTo("orders");
			assertThat(a.getInstanceId()).startsWith("orders-").isNotEqualTo(b.getInstanceId());
		}));
	}

	@Test
	void preferIpAddressRegistersTheConfiguredAddress() {
		this.runner
			.withPropertyValues("spring.cloud.etcd.discovery.prefer-ip-address=true",
					"spring.cloud.etcd.discovery.ip-address=10.9.8.7")
			.run(context -> assertThat(context.getBean(EtcdRegistration.class).getHost()).isEqualTo("10.9.8.7"));
	}

	@Test
	void discoveryPropertiesHaveTheDocumentedDefaults() {
		this.runner.run(context -> {
			EtcdKeyspaceProperties properties = context.getBean(EtcdKeyspaceProperties.class);
			assertThat(properties.getPrefix()).startsWith("/it-autoconfig");
			assertThat(new EtcdKeyspaceProperties().getPrefix()).isEqualTo("/services");
			assertThat(new EtcdRegistrationProperties().getTtl()).hasSeconds(10);
			assertThat(new EtcdRegistrationProperties().isFailFast()).isFalse();
		});
	}

	@Test
	void loadBalancedClientsGetPushedListsUnlessSwitchedOff() {
		ApplicationContextRunner withLoadBalancer = this.runner.withConfiguration(
				AutoConfigurations.of(EtcdLoadBalancerAutoConfiguration.class, LoadBalancerAutoConfiguration.class));
		withLoadBalancer.run(context -> assertThat(pushedListSpecifications(context)).hasSize(1));
		for (String off : new String[] { "spring.cloud.etcd.loadbalancer.enabled=false",
				"spring.cloud.etcd.discovery.enabled=false", "spring.cloud.discovery.enabled=false",
				"spring.cloud.loadbalancer.enabled=false" }) {
			withLoadBalancer.withPropertyValues(off)
				.run(context -> assertThat(pushedListSpecifications(context)).as(off).isEmpty());
		}
	}

	@Test
	void zonePreferenceUsesTheRegisteredZoneUnlessTheLoadBalancerZoneIsSet() {
		ApplicationContextRunner withLoadBalancer = this.runner
			.withConfiguration(
					AutoConfigurations.of(EtcdLoadBalancerAutoConfiguration.class, LoadBalancerAutoConfiguration.class))
			.withPropertyValues("spring.cloud.etcd.discovery.zone=east");
		withLoadBalancer
			.run(context -> assertThat(context.getBean(LoadBalancerZoneConfig.class).getZone()).isEqualTo("east"));
		withLoadBalancer.withPropertyValues("spring.cloud.loadbalancer.zone=west")
			.run(context -> assertThat(context.getBean(LoadBalancerZoneConfig.class).getZone()).isEqualTo("west"));
	}

	private static List<LoadBalancerClientSpecification> pushedListSpecifications(ApplicationContext context) {
		return context.getBeansOfType(LoadBalancerClientSpecification.class)
			.values()
			.stream()
			.filter(spec -> List.of(spec.getConfiguration()).contains(EtcdLoadBalancerClientConfiguration.class))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final EtcdRegistration REGISTRATION = new EtcdRegistration("custom", "custom-1", "127.0.0.1", 9999,
				false, Map.of());

		@Bean
		EtcdRegistration myRegistration() {
			return REGISTRATION;
		}

	}

}
