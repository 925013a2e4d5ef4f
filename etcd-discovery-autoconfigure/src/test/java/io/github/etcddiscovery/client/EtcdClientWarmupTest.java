package io.github.etcddiscovery.client;

import java.lang.reflect.Field;
import java.time.Duration;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.github.etcddiscovery.test.SharedEtcd;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warm-up builds, before any request, the parts a real jetcd client builds lazily, and
 * they are the ones the client then uses: its channel connects to etcd, and lease
 * keep-alives run on the Vert.x instance it made. With etcd down it builds them all the same
 * and neither waits nor fails.
 */
class EtcdClientWarmupTest {

	@Test
	void buildsTheChannelAndTheVertxInstanceTheClientThenUses() throws Exception {
		try (Client client = Client.builder().endpoints(SharedEtcd.get().clientEndpoint()).build()) {
			EtcdClientWarmup warmup = new EtcdClientWarmup(client);

			await().atMost(Duration.ofSeconds(30)).until(() -> vertxOf(client) != null);
			ManagedChannel channel = EtcdReconnectWatchdog.channelOf(client);
			// Asked to connect, with no request sent yet.
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.getState(false) == ConnectivityState.READY);

			Object vertx = vertxOf(client);
			long lease = client.getLeaseClient().grant(5).get().getID();
			try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new Ignored())) {
				assertThat(vertxOf(client)).as("the keep-alive's Vert.x instance").isSameAs(vertx);
			}
			client.getLeaseClient().revoke(lease).get();
			warmup.destroy();
		}
	}

	@Test
	void withEtcdDownItBuildsAllTheSameAndNeverFails() throws Exception {
		try (Client client = Client.builder().endpoints("http://127.0.0.1:9").build()) {
			EtcdClientWarmup warmup = new EtcdClientWarmup(client);

			await().atMost(Duration.ofSeconds(30)).until(() -> vertxOf(client) != null);
			assertThat(EtcdReconnectWatchdog.channelOf(client).getState(false)).isNotEqualTo(ConnectivityState.READY);
			warmup.destroy();
		}
	}

	private static Object vertxOf(Client client) throws ReflectiveOperationException {
		Field managerField = client.getClass().getDeclaredField("connectionManager");
		managerField.setAccessible(true);
		Object manager = managerField.get(client);
		Field vertx = manager.getClass().getDeclaredField("vertx");
		vertx.setAccessible(true);
		return vertx.get(manager);
	}

	private static final class Ignored implements StreamObserver<LeaseKeepAliveResponse> {

		@Override
		public void onNext(LeaseKeepAliveResponse value) {
		}

		@Override
		public void onError(Throwable error) {
		}

		@Override
		public void onCompleted() {
		}

	}

}
