package io.github.etcddiscovery.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Client;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.testapp.TestApps.instanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deployment as it happens: every instance of a service is replaced in turn while callers
 * keep calling it with each kind of load-balanced client, without retries.
 */
class RollingRestartIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd().withDefaultShutdownDelay();

	@Test
	void replacingThreeInstancesInTurnFailsNoCallAndEveryNewInstanceTakesCalls() {
		List<ConfigurableApplicationContext> running = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			running.add(this.apps.start("provider"));
		}
		ConfigurableApplicationContext caller = this.apps.start("caller",
				"spring.cloud.loadbalancer.retry.enabled=false");
		List<CallStream> streams = new ArrayList<>();
		List<String> replacements = new ArrayList<>();
		try {
			for (Client client : Client.values()) {
				streams.add(CallStream.start(caller, client, "provider", 1, Duration.ofMillis(2)));
			}
			for (ConfigurableApplicationContext old : running) {
				old.close();
				String fresh = instanceId(this.apps.start("provider"));
				replacements.add(fresh);
				await().until(() -> streams.stream().allMatch(s -> s.firstAnsweredBy(fresh).isPresent()));
			}
		}
		finally {
			streams.forEach(CallStream::close);
		}

		for (CallStream stream : streams) {
			assertThat(stream.failures()).isEmpty();
			for (String fresh : replacements) {
				assertThat(stream.answeredBy(fresh)).as("calls to " + fresh).isNotEmpty();
			}
		}
		System.out.println("[loadbalancing] rolling restart of 3 instances: "
				+ streams.stream().mapToInt(s -> s.calls().size()).sum() + " calls, "
				+ streams.stream().mapToInt(s -> s.failures().size()).sum() + " failed");
	}

}
