package io.github.etcddiscovery.registry;

import io.github.etcddiscovery.client.ConditionalOnEtcdDiscoveryEnabled;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AllNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.ConfigurableWebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.client.serviceregistry.RegistrationLifecycle;
import org.springframework.cloud.client.serviceregistry.RegistrationManagementLifecycle;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registers this application on startup and deregisters it on shutdown.
 */
@AutoConfiguration(after = { EtcdServiceRegistryAutoConfiguration.class, AutoServiceRegistrationConfiguration.class,
		AutoServiceRegistrationAutoConfiguration.class, UtilAutoConfiguration.class })
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnBean(EtcdServiceRegistry.class)
@Conditional(EtcdAutoServiceRegistrationAutoConfiguration.OnAutoRegistrationEnabled.class)
public class EtcdAutoServiceRegistrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdRegistration etcdRegistration(EtcdRegistrationProperties properties, Environment environment,
			InetUtils inetUtils) {
		return new EtcdRegistrationFactory(properties, environment, inetUtils).create();
	}

	@Bean
	@ConditionalOnMissingBean
	public EtcdAutoServiceRegistration etcdAutoServiceRegistration(EtcdServiceRegistry registry,
			EtcdRegistration registration, EtcdRegistrationProperties properties, ApplicationContext context,
			ObjectProvider<EtcdRegistrationCustomizer> customizers,
			ObjectProvider<RegistrationLifecycle<EtcdRegistration>> lifecycles,
			ObjectProvider<RegistrationManagementLifecycle<EtcdRegistration>> managementLifecycles,
			ObjectProvider<AutoServiceRegistrationProperties> autoRegistrationProperties) {
		RegistrationHooks hooks = new RegistrationHooks(customizers.orderedStream().toList(),
				lifecycles.orderedStream().toList(), managementLifecycles.orderedStream().toList());
		AutoServiceRegistrationProperties auto = autoRegistrationProperties.getIfAvailable();
		boolean registerManagement = auto == null || auto.isRegisterManagement();
		return new EtcdAutoServiceRegistration(registry, registration, properties, context, hooks,
				registerManagement);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebServerInitializedEvent.class)
	static class WebServerPortConfiguration {

		/**
		 * Takes the application's port; a separate management server's port is announced in
		 * the metadata, not registered as the application's.
		 */
		@Bean
		ApplicationListener<WebServerInitializedEvent> etcdRegistrationPortListener(
				EtcdAutoServiceRegistration autoRegistration) {
			return event -> {
				if (event.getApplicationContext() instanceof ConfigurableWebServerApplicationContext web
						&& "management".equals(web.getServerNamespace())) {
					autoRegistration.managementServerStarted(event.getWebServer().getPort());
					return;
				}
				autoRegistration.webServerStarted(event.getWebServer().getPort());
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(EnvironmentChangeEvent.class)
	static class MetadataRefreshConfiguration {

		/** Changed metadata properties reach etcd on a refresh, without a restart. */
		@Bean
		@ConditionalOnMissingBean
		MetadataRefreshListener etcdMetadataRefreshListener(EtcdServiceRegistry registry,
				EtcdRegistration registration, Environment environment) {
			return new MetadataRefreshListener(registry, registration, environment);
		}

	}

	static class OnAutoRegistrationEnabled extends AllNestedConditions {

		OnAutoRegistrationEnabled() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "spring.cloud.service-registry.auto-registration.enabled",
				matchIfMissing = true)
		static class AutoRegistrationEnabled {

		}

		@ConditionalOnProperty(name = "spring.cloud.etcd.discovery.register", matchIfMissing = true)
		static class EtcdRegisterEnabled {

		}

	}

}
