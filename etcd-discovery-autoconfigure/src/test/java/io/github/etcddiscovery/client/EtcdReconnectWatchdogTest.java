package io.github.etcddiscovery.client;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.etcddiscovery.test.SharedEtcd;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watchdog reaches the very channel a real jetcd client talks to etcd over. It reaches it
 * through jetcd's internals: a jetcd upgrade that moves them fails here, rather than silently
 * leaving reconnects to gRPC's backoff of up to 120 s.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdReconnectWatchdogTest {

	@Test
	void findsTheChannelOfARealJetcdClient(CapturedOutput output) throws Exception {
		try (Client client = Client.builder().endpoints(SharedEtcd.get().clientEndpoint()).build()) {
			client.getKVClient().get(ByteSequence.from("/watchdog-probe", StandardCharsets.UTF_8)).get();

			ManagedChannel channel = EtcdReconnectWatchdog.channelOf(client);

			assertThat(channel).as("jetcd's channel, reached by reflection").isNotNull();
			// The channel the client just used, not some other one: it is connected to etcd.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> channel.getState(false) == ConnectivityState.READY);
			new EtcdReconnectWatchdog(client, Duration.ofMillis(50)).destroy();
			assertThat(output).doesNotContain("etcd reconnect watchdog unavailable");
		}
	}

	@Test
	void warnsAndStaysIdleWhenTheChannelCannotBeReached(CapturedOutput output) {
		// A client without jetcd's internals, as after an upgrade that moved them.
		Client elsewhere = (Client) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Client.class },
				(proxy, method, args) -> null);

		assertThat(EtcdReconnectWatchdog.channelOf(elsewhere)).isNull();
		assertThat(output).contains("WARN").contains("etcd reconnect watchdog unavailable")
			.contains("spring.cloud.etcd.reconnect-watchdog.enabled=false");
		new EtcdReconnectWatchdog(elsewhere, Duration.ofMillis(50)).destroy();
	}

}
