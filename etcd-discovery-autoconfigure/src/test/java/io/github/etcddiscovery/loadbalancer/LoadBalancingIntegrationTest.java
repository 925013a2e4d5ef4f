package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Call;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.EtcdEvents;
import io.github.etcddiscovery.testapp.LoadBalancerView;
import io.github.etcddiscovery.testapp.TestApp;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static io.github.etcddiscovery.testapp.TestApps.setStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load-balanced calls follow etcd as it changes: new instances take calls at once, stopping
 * or out-of-service ones get none after callers saw them go, and no call fails on the way.
 * Real etcd, real applications, real HTTP; no retries anywhere.
 */
class LoadBalancingIntegrationTest {

	private static final Duration PACE = Duration.ofMillis(2);

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd().withDefaultShutdownDelay();

	@ParameterizedTest
	@EnumSource(Client.class)
	void aNewInstanceTakesCallsWithin100MillisecondsOfItsRegistration(Client client) {
		this.apps.start("provider");
		ConfigurableApplicationContext caller = caller();
		try (EtcdEvents etcd = new EtcdEvents(this.apps.etcd().jetcd(), this.apps.prefix());
				CallStream calls = CallStream.start(caller, client, "provider", 2, PACE)) {

			ConfigurableApplicationContext added = this.apps.start("provider");

			long registeredAt = etcd.awaitPut(this.apps.keyOf(added));
			calls.awaitMoreCalls(50);
			Call first = calls.firstAnsweredBy(instanceId(added)).orElseThrow();
			assertThat(millis(first.sentAt() - registeredAt)).as("ms from registration to its first call")
				.isLessThan(100);
			assertThat(calls.failures()).isEmpty();
		}
	}

	@Test
	void aGracefullyStoppedInstanceGetsNoCallAfterCallersSawItGoAndNoCallFails() {
		this.apps.start("provider");
		ConfigurableApplicationContext stopping = this.apps.start("provider");
		String stoppingId = instanceId(stopping);
		ConfigurableApplicationContext caller = caller();
		try (LoadBalancerView view = new LoadBalancerView(caller, "provider");
				CallStream calls = CallStream.start(caller, Client.REST_CLIENT, "provider", 2, PACE)) {
			calls.awaitMoreCalls(20);
			long stopAt = System.nanoTime();

			stopping.close();

			long goneAt = view.awaitOfferWithout(Set.of(stoppingId), stopAt);
			calls.awaitMoreCalls(20);
			assertThat(calls.answeredBy(stoppingId)).as("it took calls before").isNotEmpty();
			assertThat(calls.sentSinceAndAnsweredByAnyOf(goneAt, Set.of(stoppingId))).isEmpty();
			assertThat(calls.failures()).isEmpty();
		}
	}

	@Test
	void shutdownDeregistersThenKeepsServingThenDrainsInFlightCallsThenStopsTheServer() throws Exception {
		// Another instance stays: callers keep the last instance of a service for a moment
		// when it vanishes (EtcdServiceInstanceListSupplier.VANISHED_GRACE).
		this.apps.start("provider");
		ConfigurableApplicationContext provider = this.apps.start("provider",
				"spring.cloud.etcd.discovery.shutdown-delay=2s");
		ConfigurableApplicationContext caller = caller();
		String base = "http://127.0.0.1:" + TestApps.port(provider);
		String providerId = instanceId(provider);
		TestApp.slowRequestGate = new CountDownLatch(1);
		TestApp.slowRequestStarted = new CountDownLatch(1);
		try (LoadBalancerView view = new LoadBalancerView(caller, "provider")) {
			view.awaitOfferWith(providerId, 0);
			CompletableFuture<String> inFlight = CompletableFuture
				.supplyAsync(() -> RestClient.create().get().uri(base + "/slow").retrieve().body(String.class));
			assertThat(TestApp.slowRequestStarted.await(10, TimeUnit.SECONDS)).isTrue();
			long stopAt = System.nanoTime();

			CompletableFuture<Void> stopped = CompletableFuture.runAsync(provider::close);

			view.awaitOfferWithout(Set.of(providerId), stopAt);
			assertThat(RestClient.create().get().uri(base + "/hello").retrieve().body(String.class))
				.as("still serving after callers dropped it")
				.contains(providerId);
			assertThat(stopped).isNotDone();
			TestApp.slowRequestGate.countDown();
			assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			stopped.get(20, TimeUnit.SECONDS);
			assertThat(refused(base)).as("server stopped last").isTrue();
		}
		finally {
			TestApp.slowRequestGate.countDown();
		}
	}

	@Test
	void outOfServiceTakesAnInstanceOutOfEveryCallersRotationAndUpBringsItBack() {
		this.apps.start("provider");
		ConfigurableApplicationContext paused = this.apps.start("provider");
		List<ConfigurableApplicationContext> callers = List.of(caller(), caller());
		String pausedId = instanceId(paused);
		try (LoadBalancerView first = new LoadBalancerView(callers.get(0), "provider");
				LoadBalancerView second = new LoadBalancerView(callers.get(1), "provider");
				CallStream restClient = CallStream.start(callers.get(0), Client.REST_CLIENT, "provider", 1, PACE);
				CallStream webClient = CallStream.start(callers.get(1), Client.WEB_CLIENT, "provider", 1, PACE)) {
			long pausedAt = System.nanoTime();

			setStatus(paused, "OUT_OF_SERVICE");

			long firstSawIt = first.awaitOfferWithout(Set.of(pausedId), pausedAt);
			long secondSawIt = second.awaitOfferWithout(Set.of(pausedId), pausedAt);
			restClient.awaitMoreCalls(20);
			webClient.awaitMoreCalls(20);
			assertThat(restClient.sentSinceAndAnsweredByAnyOf(firstSawIt, Set.of(pausedId))).isEmpty();
			assertThat(webClient.sentSinceAndAnsweredByAnyOf(secondSawIt, Set.of(pausedId))).isEmpty();
			long resumedAt = System.nanoTime();

			setStatus(paused, "UP");

			first.awaitOfferWith(pausedId, resumedAt);
			second.awaitOfferWith(pausedId, resumedAt);
			restClient.awaitMoreCalls(20);
			webClient.awaitMoreCalls(20);
			assertThat(restClient.sentSinceAndAnsweredByAnyOf(resumedAt, Set.of(pausedId))).isNotEmpty();
			assertThat(webClient.sentSinceAndAnsweredByAnyOf(resumedAt, Set.of(pausedId))).isNotEmpty();
			assertThat(restClient.failures()).isEmpty();
			assertThat(webClient.failures()).isEmpty();
		}
	}

	private ConfigurableApplicationContext caller() {
		return this.apps.start("caller", "spring.cloud.loadbalancer.retry.enabled=false");
	}

	private static boolean refused(String base) {
		try {
			RestClient.create().get().uri(base + "/hello").retrieve().body(String.class);
			return false;
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

}
