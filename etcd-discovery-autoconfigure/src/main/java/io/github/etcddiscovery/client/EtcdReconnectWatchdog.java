package io.github.etcddiscovery.client;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Keeps gRPC from waiting long to reconnect once etcd is back.
 * <p>
 * After a connection failure gRPC backs off exponentially (1 s, x1.6, up to 120 s) before
 * trying again, so an etcd that was down for a while is noticed late, and with it every
 * re-registration. jetcd offers no setting for that backoff; while the channel is in
 * {@code TRANSIENT_FAILURE} we reset it every {@code period}, which bounds the time from
 * etcd answering to the client reconnecting.
 * <p>
 * The same holds for one endpoint of several: the channel as a whole is {@code READY} while
 * any member answers, but the connection to a member that was unreachable (stopped, or cut
 * off by the network) backs off on its own, and gRPC's {@code round_robin} only uses
 * connected endpoints. Resetting the backoff every {@code period} whatever the channel's
 * state (it touches only connections that are failing) brings such a member back into the
 * rotation within a period of it answering. The channel is reached through jetcd's
 * internals: if a jetcd version moves them, this warns once and does nothing. It can be
 * switched off with {@code spring.cloud.etcd.reconnect-watchdog.enabled=false}.
 */
public class EtcdReconnectWatchdog implements DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdReconnectWatchdog.class);

	private final ScheduledExecutorService scheduler;

	/**
	 * Starts watching on a thread of its own. Reaching the channel makes jetcd build it (gRPC
	 * and Netty load then): that happens on that thread too, not on the one starting the
	 * application.
	 */
	public EtcdReconnectWatchdog(Client client, Duration period) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-reconnect-");
		threads.setDaemon(true);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
		this.scheduler.execute(() -> {
			ManagedChannel channel = channelOf(client);
			if (channel != null) {
				long millis = period.toMillis();
				this.scheduler.scheduleWithFixedDelay(() -> nudge(channel), millis, millis, TimeUnit.MILLISECONDS);
			}
		});
	}

	private static void nudge(ManagedChannel channel) {
		if (!channel.isShutdown() && channel.getState(false) != ConnectivityState.IDLE) {
			channel.resetConnectBackoff();
		}
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		try {
			// A channel being built now is built before the client closes, which then shuts it down.
			this.scheduler.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The channel of jetcd's connection manager, or null (and one warning) if it cannot be reached. */
	static @Nullable ManagedChannel channelOf(Client client) {
		try {
			return (ManagedChannel) connectionManagerCall(client, "getChannel");
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.warn("etcd reconnect watchdog unavailable with this jetcd version (" + ex
					+ "); reconnecting after an etcd outage follows gRPC's backoff (up to 120 s). "
					+ "Set spring.cloud.etcd.reconnect-watchdog.enabled=false to silence this warning");
			return null;
		}
	}

	/**
	 * Calls a method without arguments of jetcd's connection manager, which builds the
	 * client's channel ({@code getChannel}) and Vert.x instance ({@code vertx}) on first use.
	 */
	static Object connectionManagerCall(Client client, String method) throws ReflectiveOperationException {
		Field managerField = client.getClass().getDeclaredField("connectionManager");
		managerField.setAccessible(true);
		Object manager = managerField.get(client);
		Method call = manager.getClass().getDeclaredMethod(method);
		call.setAccessible(true);
		return call.invoke(manager);
	}

}
