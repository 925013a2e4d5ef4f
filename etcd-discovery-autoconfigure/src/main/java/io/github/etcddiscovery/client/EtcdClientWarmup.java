package io.github.etcddiscovery.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Builds what the shared jetcd client builds lazily, on a thread of its own, as soon as the
 * client exists: the gRPC channel (then asked to connect), the KV, watch and lease stubs, and
 * the Vert.x instance that lease keep-alives run on. Otherwise the first listing of the
 * discovery view and the registration on {@code ApplicationReadyEvent} build them while the
 * application's startup waits (some 2,700 classes of gRPC, Netty, Vert.x and protobuf, and
 * Vert.x's start); here that overlaps the rest of the context's startup.
 * <p>
 * These are the very parts jetcd would build, built once: no second channel or client. Nothing
 * here waits on etcd or can fail startup: an etcd that is down is connected to by gRPC's own
 * retries, as it would be on the first request. A jetcd version that moved its internals only
 * loses the Vert.x part (logged at debug). Closing waits for a part being built, so that the
 * client, closed after this bean, shuts it down.
 */
public class EtcdClientWarmup implements DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdClientWarmup.class);

	private final ExecutorService executor;

	public EtcdClientWarmup(Client client) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-warmup-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadExecutor(threads);
		this.executor.execute(() -> warm(client));
		this.executor.shutdown();
	}

	private static void warm(Client client) {
		try {
			client.getKVClient();
			client.getWatchClient();
			client.getLeaseClient();
			((ManagedChannel) EtcdReconnectWatchdog.connectionManagerCall(client, "getChannel")).getState(true);
			EtcdReconnectWatchdog.connectionManagerCall(client, "vertx");
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("The etcd client is built further on first use: " + ex);
		}
	}

	@Override
	public void destroy() {
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
