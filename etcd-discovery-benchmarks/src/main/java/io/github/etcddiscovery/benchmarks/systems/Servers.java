package io.github.etcddiscovery.benchmarks.systems;

import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.benchmarks.eureka.EurekaServerApp;
import io.github.etcddiscovery.test.EtcdServer;
import org.apache.curator.test.TestingServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The registry servers of one run, each started on first use on a loopback port and stopped
 * at the end: etcd (the autoconfigure module's real-process support), ZooKeeper (Curator's
 * in-process {@link TestingServer}) and Eureka (a {@link EurekaServerApp} in this JVM, one per
 * settings, since its response cache is a server setting).
 */
public final class Servers implements AutoCloseable {

	private EtcdServer etcd;

	private Client etcdClient;

	private TestingServer zookeeper;

	private final List<ConfigurableApplicationContext> eurekas = new ArrayList<>();

	public synchronized EtcdServer etcd() {
		if (this.etcd == null) {
			this.etcd = EtcdServer.builder().name("benchmarks").start();
		}
		return this.etcd;
	}

	/** A plain jetcd client of the etcd server, as another writer has it. */
	public synchronized Client etcdClient() {
		if (this.etcdClient == null) {
			this.etcdClient = Client.builder().endpoints(etcd().clientEndpoint()).build();
		}
		return this.etcdClient;
	}

	/** Where applications of {@code registry} find their server. */
	public String endpoint(Registry registry) {
		if (registry == Registry.ETCD) {
			return etcd().clientEndpoint();
		}
		if (registry.isZookeeper()) {
			return zookeeper().getConnectString();
		}
		return eurekaServer(registry);
	}

	public synchronized TestingServer zookeeper() {
		if (this.zookeeper == null) {
			try {
				this.zookeeper = new TestingServer(true);
			}
			catch (Exception ex) {
				throw new IllegalStateException("ZooKeeper did not start", ex);
			}
		}
		return this.zookeeper;
	}

	/** A fresh Eureka server with the settings of {@code registry}; its service URL. */
	public synchronized String eurekaServer(Registry registry) {
		int port = freePort();
		ConfigurableApplicationContext server;
		synchronized (Apps.STARTING) {
			server = new SpringApplicationBuilder(EurekaServerApp.class)
				.properties(registry.eurekaServerProperties(port).toArray(String[]::new))
				.run();
		}
		this.eurekas.add(server);
		return "http://127.0.0.1:" + port + "/eureka/";
	}

	/** A loopback port free now: a Eureka server names its own URL, so it needs its port up front. */
	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Override
	public synchronized void close() throws Exception {
		for (ConfigurableApplicationContext eureka : this.eurekas) {
			eureka.close();
		}
		if (this.zookeeper != null) {
			this.zookeeper.close();
		}
		if (this.etcdClient != null) {
			this.etcdClient.close();
		}
		if (this.etcd != null) {
			this.etcd.close();
		}
	}

}
