package io.github.etcddiscovery.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.health.EtcdHealthIndicator.ETCD_DOWN;
import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.awaitKeptAlive;
import static io.github.etcddiscovery.reliability.Observed.client;
import static io.github.etcddiscovery.reliability.Observed.entry;
import static io.github.etcddiscovery.reliability.Observed.registered;
import static io.github.etcddiscovery.reliability.Observed.registry;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.state;
import static io.github.etcddiscovery.reliability.Observed.status;
import static io.github.etcddiscovery.reliability.Observed.ttl;
import static io.github.etcddiscovery.reliability.Observed.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Applications that start, or stop, while their etcd does not answer.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupShutdownTest {

	private static final String PREFIX = "/services";

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private static final String TTL_2S = ttl(Duration.ofSeconds(2));

	private EtcdServer etcd;

	private TestApps apps;

	@BeforeAll
	static void needsLocalEtcd() {
		Observed.assumeLocalEtcdBinary();
	}

	@BeforeEach
	void startEtcd() {
		// Started once so that its endpoint is fixed, then taken away as each test needs.
		this.etcd = EtcdServer.builder().name("lifecycle").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), PREFIX);
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.apps, this.etcd);
	}

	@Test
	void withoutFailFastTheApplicationStartsWithEtcdDownAndRegistersOnceEtcdIsStarted() {
		this.etcd.kill();

		long startingAt = System.nanoTime();
		ConfigurableApplicationContext orders = this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S);
		Duration startup = since(startingAt);
		assertThat(startup).as("startup waits on etcd only in bounded steps").isLessThan(Duration.ofSeconds(10));
		assertThat(orders.isActive()).isTrue();
		assertThat(status(orders)).isEqualTo(ETCD_DOWN);
		assertThat(state(orders)).isEqualTo("RECOVERING");
		assertThat(view(orders)).isEmpty();

		this.etcd.restart();
		long answeringAt = System.nanoTime();

		String key = this.apps.keyOf(orders);
		try (Client client = client(this.etcd.clientEndpoint())) {
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> registered(orders, client, key));
			Duration registeredAfter = since(answeringAt);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(orders) == Status.UP);
			await().atMost(Duration.ofSeconds(5)).until(() -> view(orders).equals(registry(client, PREFIX)));
			Duration viewAfter = since(answeringAt);

			String self = entry("orders", TestApps.registration(orders).getInstanceId(),
					"127.0.0.1:" + TestApps.port(orders), "UP");
			assertThat(registry(client, PREFIX)).containsExactly(self);
			assertThat(view(orders)).containsExactly(self);
			report("startup with etcd down: startup took", startup);
			report("startup with etcd down: registered after etcd answered", registeredAfter);
			report("startup with etcd down: own view filled after etcd answered", viewAfter);
		}
	}

	@Test
	void withFailFastStartupFailsNamingTheEndpoints(CapturedOutput output) {
		this.etcd.kill();
		String endpoint = this.etcd.clientEndpoint();

		long startingAt = System.nanoTime();
		Throwable failure = catchThrowable(() -> this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S,
				"spring.cloud.etcd.discovery.fail-fast=true"));
		Duration failedAfter = since(startingAt);

		assertThat(failure).isNotNull();
		assertThat(causes(failure)).as("the exception chain")
			.anySatisfy((cause) -> assertThat(cause).isInstanceOf(EtcdUnavailableException.class)
				.hasMessageContaining(endpoint));
		assertThat(output.getOut()).contains("APPLICATION FAILED TO START", endpoint,
				"spring.cloud.etcd.discovery.fail-fast");
		assertThat(failedAfter).as("fails in bounded time").isLessThan(Duration.ofSeconds(10));
		report("fail-fast with etcd down: failed after", failedAfter);
		report("fail-fast with etcd down: message", failure.getMessage());
	}

	@Test
	void closingWhileEtcdIsDownTakesNoLongerThanTheRequestTimeout() {
		ConfigurableApplicationContext orders = this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S);
		this.etcd.kill();

		long closingAt = System.nanoTime();
		orders.close();
		Duration closing = since(closingAt);

		report("shutdown with etcd killed: close took", closing);
		assertThat(orders.isActive()).isFalse();
		assertThat(closing).isLessThan(REQUEST_TIMEOUT.plusSeconds(2));
	}

	@Test
	void closingWhileEtcdIsFrozenTakesNoLongerThanTheRequestTimeout() {
		ConfigurableApplicationContext orders = this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S);
		this.etcd.pause();

		long closingAt = System.nanoTime();
		orders.close();
		Duration closing = since(closingAt);

		report("shutdown with etcd frozen: close took", closing);
		assertThat(orders.isActive()).isFalse();
		assertThat(closing).isLessThan(REQUEST_TIMEOUT.plusSeconds(2));
	}

	@Test
	void closingWhileTheRegistrationIsRecoveringTakesNoLongerThanTheRequestTimeout() {
		ConfigurableApplicationContext orders = this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S);
		awaitKeptAlive(orders);
		this.etcd.kill();
		// Now retries run on the registry's thread, and the discovery view lists again, each
		// waiting up to the request timeout.
		await().atMost(Duration.ofSeconds(15)).until(() -> "RECOVERING".equals(state(orders)));

		long closingAt = System.nanoTime();
		orders.close();
		Duration closing = since(closingAt);

		report("shutdown while recovering: close took", closing);
		assertThat(orders.isActive()).isFalse();
		assertThat(closing).isLessThan(REQUEST_TIMEOUT.plusSeconds(2));
	}

	@Test
	void aRegistrationClosedWhileARetryWaitsOnEtcdStaysDeregistered(CapturedOutput output) {
		ConfigurableApplicationContext orders = this.apps.start("orders", TTL_2S, REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		awaitKeptAlive(orders);
		this.etcd.kill();
		// The first retry starts at once and waits up to the request timeout.
		await().atMost(Duration.ofSeconds(15)).until(() -> "RECOVERING".equals(state(orders)));

		orders.close();

		await().during(REQUEST_TIMEOUT.plusMillis(500))
			.atMost(REQUEST_TIMEOUT.plusSeconds(2))
			.until(() -> !output.getOut().contains("Registration " + key + ": DEREGISTERED -> "));
		assertThat(output.getOut()).contains("Registration " + key + ": RECOVERING -> DEREGISTERED");
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

}
