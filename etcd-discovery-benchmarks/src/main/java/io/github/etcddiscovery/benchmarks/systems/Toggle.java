package io.github.etcddiscovery.benchmarks.systems;

import java.time.Duration;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Registers and deregisters one running instance again and again, the way its registry's
 * clients do. etcd and ZooKeeper: the application's own {@link ServiceRegistry} with its
 * {@link Registration}. Eureka: its {@code ServiceRegistry.deregister} shuts the Eureka client
 * down for good, so the instance is registered and cancelled with the REST calls the Eureka
 * client itself sends ({@code POST} and {@code DELETE /eureka/apps/{app}/{id}}).
 */
public interface Toggle {

	void register();

	void deregister();

	/** How {@code registry} registers the instance of {@code app} (started with auto-registration as required). */
	static Toggle of(Registry registry, ConfigurableApplicationContext app, String eurekaUrl, String serviceId,
			String instanceId) {
		if (!registry.isEureka()) {
			@SuppressWarnings("unchecked")
			ServiceRegistry<Registration> serviceRegistry = app.getBean(ServiceRegistry.class);
			Registration registration = app.getBean(Registration.class);
			return new Toggle() {
				@Override
				public void register() {
					serviceRegistry.register(registration);
				}

				@Override
				public void deregister() {
					serviceRegistry.deregister(registration);
				}
			};
		}
		return new EurekaRest(eurekaUrl, serviceId, instanceId, Apps.port(app));
	}

	/** Eureka's own protocol, as its client speaks it. */
	final class EurekaRest implements Toggle {

		private final RestClient http;

		private final String app;

		private final String instanceId;

		private final String body;

		public EurekaRest(String eurekaUrl, String serviceId, String instanceId, int port) {
			SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
			requests.setReadTimeout(Duration.ofSeconds(10));
			this.http = RestClient.builder().baseUrl(eurekaUrl).requestFactory(requests).build();
			this.app = serviceId.toUpperCase(java.util.Locale.ROOT);
			this.instanceId = instanceId;
			// A long lease: the benchmark sends no heartbeats, and a lease must not expire mid-run.
			this.body = """
					{"instance":{"instanceId":"%s","hostName":"127.0.0.1","app":"%s","ipAddr":"127.0.0.1",
					"status":"UP","port":{"$":%d,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},
					"vipAddress":"%s","secureVipAddress":"%s",
					"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
					"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":3600}}}"""
				.formatted(instanceId, this.app, port, serviceId, serviceId);
		}

		@Override
		public void register() {
			this.http.post()
				.uri("apps/{app}", this.app)
				.contentType(MediaType.APPLICATION_JSON)
				.body(this.body)
				.retrieve()
				.toBodilessEntity();
		}

		@Override
		public void deregister() {
			this.http.delete().uri("apps/{app}/{id}", this.app, this.instanceId).retrieve().toBodilessEntity();
		}

	}

}
