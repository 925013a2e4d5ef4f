package io.github.etcddiscovery.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.etcddiscovery.client.EtcdTestClient;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Starts real {@link TestApp} instances against an etcd endpoint, each on a free port and
 * under a key prefix of its own, and closes them after. As a JUnit extension
 * ({@link #onSharedEtcd()}), it takes a fresh prefix on the shared etcd for every test.
 */
public final class TestApps implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final String endpoint;

	private String prefix;

	private EtcdTestClient etcd;

	private final List<ConfigurableApplicationContext> started = new ArrayList<>();

	private boolean defaultShutdownDelay;

	public TestApps(String endpoint, String prefix) {
		this.endpoint = endpoint;
		this.prefix = prefix;
	}

	/** For {@code @RegisterExtension}: the shared etcd, a new prefix per test. */
	public static TestApps onSharedEtcd() {
		return new TestApps(SharedEtcd.get().clientEndpoint(), null);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.prefix = SharedEtcd.uniquePrefix(context.getRequiredTestMethod().getName());
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	public String prefix() {
		return this.prefix;
	}

	/** Plain etcd access, as another writer or an operator has it. */
	public EtcdTestClient etcd() {
		if (this.etcd == null) {
			this.etcd = new EtcdTestClient(this.endpoint);
		}
		return this.etcd;
	}

	public ConfigurableApplicationContext start(String serviceName, String... extraProperties) {
		return start(TestApp.class, serviceName, extraProperties);
	}

	/** Another application than {@link TestApp}, with the same base properties. */
	public ConfigurableApplicationContext start(Class<?> application, String serviceName, String... extraProperties) {
		return run(new SpringApplicationBuilder(application), serviceName, extraProperties);
	}

	/** A {@link TestApp} with more configuration, as a user adds their own. */
	public ConfigurableApplicationContext startWith(Class<?> configuration, String serviceName,
			String... extraProperties) {
		return run(new SpringApplicationBuilder(TestApp.class, configuration), serviceName, extraProperties);
	}

	private ConfigurableApplicationContext run(SpringApplicationBuilder application, String serviceName,
			String... extraProperties) {
		List<String> properties = new ArrayList<>(baseProperties(serviceName));
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext context = application
			.properties(properties.toArray(String[]::new))
			.run();
		this.started.add(context);
		return context;
	}

	/** What every test instance runs with: loopback only, free port, this test's prefix. */
	public List<String> baseProperties(String serviceName) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=" + serviceName, "server.port=0",
				"spring.cloud.etcd.endpoints=" + this.endpoint, "spring.cloud.etcd.discovery.prefix=" + this.prefix,
				"spring.cloud.etcd.discovery.host=127.0.0.1",
				"management.endpoints.web.exposure.include=health,serviceregistry",
				"management.endpoint.health.show-details=always", "spring.main.banner-mode=off"));
		if (!this.defaultShutdownDelay) {
			properties.add("spring.cloud.etcd.discovery.shutdown-delay=0");
		}
		return properties;
	}

	/**
	 * Instances pause between deregistration and shutdown as they do by default; otherwise
	 * they stop at once, which keeps tests that are not about shutdown quick.
	 */
	public TestApps withDefaultShutdownDelay() {
		this.defaultShutdownDelay = true;
		return this;
	}

	/** The etcd key the application registered under. */
	public String keyOf(ConfigurableApplicationContext context) {
		EtcdRegistration registration = registration(context);
		return this.prefix + "/" + registration.getServiceId() + "/" + registration.getInstanceId();
	}

	public static EtcdRegistration registration(ConfigurableApplicationContext context) {
		return context.getBean(EtcdRegistration.class);
	}

	public static String instanceId(ConfigurableApplicationContext context) {
		return registration(context).getInstanceId();
	}

	/** Sets the status as an operator does: {@code POST /actuator/serviceregistry}. */
	public static void setStatus(ConfigurableApplicationContext context, String status) {
		RestClient.create()
			.post()
			.uri("http://127.0.0.1:" + port(context) + "/actuator/serviceregistry")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"status\":\"" + status + "\"}")
			.retrieve()
			.toBodilessEntity();
	}

	public static int port(ConfigurableApplicationContext context) {
		return registration(context).getPort();
	}

	/** {@code GET} on the application's own port, whatever the answer's status. */
	public static HttpResponse<String> get(ConfigurableApplicationContext context, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path)).build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The instances that answered {@code calls} load-balanced calls to {@code /hello} of the service. */
	public static Set<String> instancesReached(ConfigurableApplicationContext caller, String serviceId, int calls) {
		RestTemplate restTemplate = caller.getBean(RestTemplate.class);
		Set<String> reached = new HashSet<>();
		for (int i = 0; i < calls; i++) {
			String body = restTemplate.getForObject("http://" + serviceId + "/hello", String.class);
			reached.add(body.replaceAll(".*\"instance\":\"([^\"]+)\".*", "$1"));
		}
		return reached;
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.started) {
			if (context.isActive()) {
				context.close();
			}
		}
		this.started.clear();
		if (this.etcd != null) {
			this.etcd.close();
			this.etcd = null;
		}
	}

}
