package io.github.etcddiscovery;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.actuate.EtcdEndpoint;
import io.github.etcddiscovery.actuate.EtcdEndpointAutoConfiguration;
import io.github.etcddiscovery.client.EtcdClientAutoConfiguration;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCacheAutoConfiguration;
import io.github.etcddiscovery.instance.EtcdKeyspaceAutoConfiguration;
import io.github.etcddiscovery.metrics.EtcdDiscoveryMetrics;
import io.github.etcddiscovery.metrics.EtcdMetricsAutoConfiguration;
import io.github.etcddiscovery.metrics.EtcdRegistrationMetrics;
import io.github.etcddiscovery.metrics.EtcdRequestMetrics;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistrationAutoConfiguration;
import io.github.etcddiscovery.registry.EtcdServiceRegistryAutoConfiguration;
import io.github.etcddiscovery.registry.MetadataRefreshListener;
import io.github.etcddiscovery.status.HealthDrivenStatus;
import io.github.etcddiscovery.status.StatusFromHealthAutoConfiguration;
import io.github.etcddiscovery.test.SharedEtcd;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of the operations beans (metrics, the endpoint, status from health, metadata
 * refresh) exist under which settings and class paths: each optional integration stays
 * optional.
 */
class OperationsAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class, EtcdKeyspaceAutoConfiguration.class,
				EtcdDiscoveryCacheAutoConfiguration.class, EtcdServiceRegistryAutoConfiguration.class,
				EtcdAutoServiceRegistrationAutoConfiguration.class, EtcdMetricsAutoConfiguration.class,
				EtcdEndpointAutoConfiguration.class, StatusFromHealthAutoConfiguration.class,
				UtilAutoConfiguration.class, AutoServiceRegistrationAutoConfiguration.class))
		.withPropertyValues(EtcdAutoConfigurationTest.NO_ETCD)
		.withPropertyValues("spring.cloud.etcd.discovery.prefix=" + SharedEtcd.uniquePrefix("operations"),
				"spring.application.name=orders");

	@Test
	void metricsAndMetadataRefreshAreOnByDefaultStatusFromHealthAndTheWebEndpointAreNot() {
		this.runner.run(context -> assertThat(context).hasSingleBean(EtcdRequestMetrics.class)
			.hasSingleBean(EtcdRegistrationMetrics.class)
			.hasSingleBean(EtcdDiscoveryMetrics.class)
			.hasSingleBean(MetadataRefreshListener.class)
			.doesNotHaveBean(HealthDrivenStatus.class)
			.doesNotHaveBean(EtcdEndpoint.class));
	}

	@Test
	void withoutMicrometerThereAreNoMetersAndTheClientStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run(context -> assertThat(context).hasNotFailed()
				.hasSingleBean(Client.class)
				.doesNotHaveBean(EtcdRequestMetrics.class)
				.doesNotHaveBean(EtcdDiscoveryMetrics.class));
	}

	@Test
	void withoutSpringCloudContextThereIsNoMetadataRefresh() {
		this.runner.withClassLoader(new FilteredClassLoader(EnvironmentChangeEvent.class))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MetadataRefreshListener.class));
	}

	@Test
	void theEndpointIsThereWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=etcd")
			.run(context -> assertThat(context).hasSingleBean(EtcdEndpoint.class));
	}

	@Test
	void noRegistrationNoStatusFromHealth() {
		this.runner
			.withPropertyValues("spring.cloud.etcd.discovery.register=false",
					"spring.cloud.etcd.discovery.status-from-health.enabled=true")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HealthDrivenStatus.class));
	}

}
