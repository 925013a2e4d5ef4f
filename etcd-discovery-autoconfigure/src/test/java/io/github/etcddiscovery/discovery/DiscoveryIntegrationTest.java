package io.github.etcddiscovery.discovery;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.etcddiscovery.client.EtcdClientBuilderCustomizer;
import io.github.etcddiscovery.testapp.TestApps;
import io.github.etcddiscovery.testapp.Text;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Applications find each other through etcd, and load-balanced clients reach them by name.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryIntegrationTest {

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void twoApplicationsFindEachOther() {
		ConfigurableApplicationContext orders = this.apps.start("orders");
		ConfigurableApplicationContext billing = this.apps.start("billing");

		EtcdDiscoveryClient fromOrders = orders.getBean(EtcdDiscoveryClient.class);
		EtcdDiscoveryClient fromBilling = billing.getBean(EtcdDiscoveryClient.class);

		await().until(() -> fromOrders.getInstances("billing").size() == 1);
		ServiceInstance billingSeen = fromOrders.getInstances("billing").get(0);
		assertThat(billingSeen.getPort()).isEqualTo(TestApps.port(billing));
		assertThat(billingSeen.getHost()).isEqualTo("127.0.0.1");
		assertThat(billingSeen.getUri().toString()).isEqualTo("http://127.0.0.1:" + TestApps.port(billing));
		await().until(() -> fromBilling.getInstances("orders").size() == 1);
		assertThat(fromOrders.getServices()).containsExactlyInAnyOrder("orders", "billing");
	}

	@Test
	void loadBalancedRestTemplateAndWebClientReachEveryInstance() {
		ConfigurableApplicationContext first = this.apps.start("orders");
		ConfigurableApplicationContext second = this.apps.start("orders");
		ConfigurableApplicationContext caller = this.apps.start("gateway");
		await().until(() -> caller.getBean(EtcdDiscoveryClient.class).getInstances("orders").size() == 2);
		Set<String> expected = Set.of(TestApps.registration(first).getInstanceId(),
				TestApps.registration(second).getInstanceId());

		RestTemplate restTemplate = caller.getBean(RestTemplate.class);
		Set<String> reachedByRestTemplate = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			reachedByRestTemplate.add(instanceOf(restTemplate.getForObject("http://orders/hello", String.class)));
		}
		WebClient webClient = caller.getBean(WebClient.Builder.class).build();
		Set<String> reachedByWebClient = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			reachedByWebClient.add(instanceOf(
					webClient.get().uri("http://ORDERS/hello").retrieve().bodyToMono(String.class).block()));
		}

		assertThat(reachedByRestTemplate).isEqualTo(expected);
		assertThat(reachedByWebClient).isEqualTo(expected);
	}

	@Test
	void serviceIdsMatchIgnoringCase() {
		ConfigurableApplicationContext caller = this.apps.start("caller");
		this.apps.etcd().put(this.apps.prefix() + "/Orders/a", "127.0.0.1:1001");
		EtcdDiscoveryClient discovery = caller.getBean(EtcdDiscoveryClient.class);

		await().until(() -> discovery.getInstances("orders").size() == 1);
		assertThat(discovery.getInstances("ORDERS")).hasSize(1);
		assertThat(discovery.getServices()).contains("Orders");
	}

	@Test
	void reactiveClientServesTheSameView() {
		ConfigurableApplicationContext app = this.apps.start("orders");
		ReactiveDiscoveryClient reactive = app.getBean(EtcdReactiveDiscoveryClient.class);

		await().until(() -> reactive.getInstances("orders").collectList().block().size() == 1);
		assertThat(reactive.getServices().collectList().block()).contains("orders");
	}

	@Test
	void valuesWrittenByOtherLanguagesAreDiscovered() {
		ConfigurableApplicationContext app = this.apps.start("caller");
		String prefix = this.apps.prefix();
		// The seed notes' plain form, Go's naming resolver's form, and a URL.
		this.apps.etcd().put(prefix + "/order/0001", "127.0.0.1:1212");
		this.apps.etcd().put(prefix + "/order/10.0.0.7:50051", "{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":{\"w\":\"5\"}}");
		this.apps.etcd().put(prefix + "/order/tls", "https://orders.internal:8443");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);

		await().until(() -> discovery.getInstances("order").size() == 3);
		assertThat(discovery.getInstances("order")).extracting(ServiceInstance::getUri)
			.extracting(Object::toString)
			.containsExactlyInAnyOrder("http://127.0.0.1:1212", "http://10.0.0.7:50051", "https://orders.internal:8443");
		assertThat(discovery.getInstances("order")).extracting(ServiceInstance::getInstanceId)
			.containsExactlyInAnyOrder("0001", "10.0.0.7:50051", "tls");
	}

	@Test
	void garbageIsSkippedWithOneWarningPerKeyAndGoodInstancesStayDiscoverable(CapturedOutput output) {
		String prefix = this.apps.prefix();
		this.apps.etcd().put(prefix + "/order/bad-json", "{\"host\":");
		this.apps.etcd().put(prefix + "/order/good-before", "127.0.0.1:2001");
		ConfigurableApplicationContext app = this.apps.start("caller");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);

		this.apps.etcd().put(prefix + "/order/no-port", "{\"host\":\"h\"}");
		this.apps.etcd().put(prefix + "/order/no-port", "{\"host\":\"h\",\"port\":\"x\"}");
		this.apps.etcd().put(prefix + "/order", "127.0.0.1:9");
		this.apps.etcd().put(prefix + "/order/binary", new byte[] { (byte) 0xff, 0, (byte) 0xfe });
		this.apps.etcd().put(prefix + "/order/good-after", "127.0.0.1:2002");

		await().until(() -> discovery.getInstances("order").size() == 2);
		assertThat(discovery.getInstances("order")).extracting(ServiceInstance::getPort)
			.containsExactlyInAnyOrder(2001, 2002);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '" + prefix + "/order/bad-json'")).isEqualTo(1);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '" + prefix + "/order/no-port'")).isEqualTo(1);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '" + prefix + "/order'")).isEqualTo(1);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '" + prefix + "/order/binary'")).isEqualTo(1);
	}

	@Test
	void anInstanceWhoseValueTurnsBadLeavesTheView() {
		ConfigurableApplicationContext app = this.apps.start("caller");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
		this.apps.etcd().put(this.apps.prefix() + "/order/x", "127.0.0.1:3001");
		await().until(() -> discovery.getInstances("order").size() == 1);

		this.apps.etcd().put(this.apps.prefix() + "/order/x", "garbage");

		await().until(() -> discovery.getInstances("order").isEmpty());
	}

	@Test
	void aLargeRegistryIsListedPageByPage() {
		String prefix = this.apps.prefix();
		for (int i = 0; i < 1234; i++) {
			this.apps.etcd().put(prefix + "/bulk/i-" + i, "127.0.0.1:" + (10000 + i));
		}

		ConfigurableApplicationContext app = this.apps.start("caller");

		assertThat(app.getBean(EtcdDiscoveryClient.class).getInstances("bulk")).hasSize(1234);
	}

	@Test
	void changesArePublishedAsHeartbeatEvents() {
		ConfigurableApplicationContext app = this.apps.start("caller");
		List<HeartbeatEvent> events = new CopyOnWriteArrayList<>();
		app.addApplicationListener((ApplicationListener<HeartbeatEvent>) events::add);

		this.apps.etcd().put(this.apps.prefix() + "/order/x", "127.0.0.1:3001");
		long revision = this.apps.etcd().keyValue(this.apps.prefix() + "/order/x").getModRevision();

		// The caller's own registration may be published after the listener is added: wait for
		// the event of this change rather than for any event.
		await().until(() -> events.stream().anyMatch(event -> Long.valueOf(revision).equals(event.getValue())));
	}

	@Test
	void aSlowHeartbeatListenerDoesNotStallTheView() throws Exception {
		ConfigurableApplicationContext caller = this.apps.start("caller");
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch entered = new CountDownLatch(1);
		caller.addApplicationListener((ApplicationListener<HeartbeatEvent>) (event) -> {
			entered.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			this.apps.etcd().put(this.apps.prefix() + "/order/x", "127.0.0.1:3001");
			assertThat(entered.await(10, TimeUnit.SECONDS)).as("the listener is busy").isTrue();

			ConfigurableApplicationContext billing = this.apps.start("billing");

			await().until(() -> caller.getBean(EtcdDiscoveryClient.class)
				.getInstances("billing")
				.stream()
				.anyMatch((seen) -> seen.getPort() == TestApps.port(billing)));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void outOfServiceInstancesAreHiddenUnlessAskedFor() {
		ConfigurableApplicationContext strict = this.apps.start("strict");
		ConfigurableApplicationContext lenient = this.apps.start("lenient",
				"spring.cloud.etcd.discovery.include-not-up-instances=true");
		this.apps.etcd().put(this.apps.prefix() + "/order/a", "{\"host\":\"127.0.0.1\",\"port\":1,\"status\":\"OUT_OF_SERVICE\"}");
		this.apps.etcd().put(this.apps.prefix() + "/order/b", "{\"host\":\"127.0.0.1\",\"port\":2}");

		await().until(() -> lenient.getBean(EtcdDiscoveryClient.class).getInstances("order").size() == 2);
		await().until(() -> strict.getBean(EtcdDiscoveryClient.class).getInstances("order").size() == 1);
		assertThat(strict.getBean(EtcdDiscoveryClient.class).getInstances("order").get(0).getPort()).isEqualTo(2);
	}

	@Test
	void aBeanThatLooksUpWhileTheContextStartsSeesWhatIsAlreadyInEtcd() {
		this.apps.etcd().put(this.apps.prefix() + "/inventory/a", "127.0.0.1:1001");
		this.apps.etcd().put(this.apps.prefix() + "/inventory/b", "127.0.0.1:1002");

		ConfigurableApplicationContext caller = this.apps.startWith(LookupWhileStarting.class, "caller");

		// The view is listed in the background while the context starts: a lookup made before
		// it is done waits for it, as startup does.
		assertThat(caller.getBean("inventoryAtStartup", List.class)).hasSize(2);
	}

	/**
	 * A user's bean that reads discovery as it is created, on a network where listings take
	 * 300 ms more (so that they are still in flight then).
	 */
	@Configuration(proxyBeanMethods = false)
	static class LookupWhileStarting {

		@Bean
		EtcdClientBuilderCustomizer slowListings() {
			return (builder) -> builder.interceptor(new ClientInterceptor() {
				@Override
				public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
						Channel next) {
					if (method.getFullMethodName().endsWith("/Range")) {
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
					}
					return next.newCall(method, options);
				}
			});
		}

		@Bean
		List<ServiceInstance> inventoryAtStartup(DiscoveryClient discovery) {
			return List.copyOf(discovery.getInstances("inventory"));
		}

	}

	private String instanceOf(String helloJson) {
		JsonNode node = this.json.readTree(helloJson);
		return node.get("instance").stringValue();
	}

}
