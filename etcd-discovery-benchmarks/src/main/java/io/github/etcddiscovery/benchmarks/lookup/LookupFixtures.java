package io.github.etcddiscovery.benchmarks.lookup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.FixedLists;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;
import io.github.etcddiscovery.benchmarks.systems.Toggle;
import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.registry.EtcdRegistration;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * One caller application per registry, each seeing services {@code svc-1}, {@code svc-10} and
 * {@code svc-100} with that many instances. The servers are the run's own: {@link #prepare}
 * starts them in the parent JVM once, with the instances of etcd and Eureka already written,
 * and tells every fork where they are (system properties), so that a fork starts only the
 * caller application of the registry it measures. ZooKeeper's instances are registered by
 * that application itself, through Spring Cloud Zookeeper's own {@link ServiceDiscovery}:
 * they are ephemeral nodes of its session. Applications start on first use, are shared by
 * every lookup benchmark that runs in this JVM (all of them without forks, in the smoke
 * profile) and are closed by {@link #close()}.
 */
public final class LookupFixtures {

	static final int[] SIZES = { 1, 10, 100 };

	private static final String ETCD = "bench.lookup.etcd";

	private static final String ZOOKEEPER = "bench.lookup.zookeeper";

	private static final String EUREKA = "bench.lookup.eureka";

	private static final EtcdInstanceCodec CODEC = new EtcdInstanceCodec("/bench");

	private static LookupFixtures instance;

	private final List<Apps> apps = new ArrayList<>();

	private ConfigurableApplicationContext etcd;

	private ConfigurableApplicationContext zookeeper;

	private ConfigurableApplicationContext eureka;

	private LookupFixtures() {
	}

	/**
	 * Starts the servers of the lookups in {@code servers} (a Eureka server of the fastest
	 * settings of its own) and writes the instances of etcd and Eureka; returns the JVM
	 * options that tell a forked JVM where they are (this JVM is told as well).
	 */
	public static List<String> prepare(Servers servers) throws Exception {
		Map<String, String> endpoints = new LinkedHashMap<>();
		endpoints.put(ETCD, servers.etcd().clientEndpoint());
		endpoints.put(ZOOKEEPER, servers.zookeeper().getConnectString());
		endpoints.put(EUREKA, servers.eurekaServer(Registry.EUREKA_FASTEST));
		KV kv = servers.etcdClient().getKVClient();
		for (Instance i : instances()) {
			byte[] value = CODEC.encode(new EtcdRegistration(i.service(), i.id(), "127.0.0.1", i.port(), false, Map.of())
				.toInstance());
			kv.put(i.key(), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
			new Toggle.EurekaRest(endpoints.get(EUREKA), i.service(), i.id(), i.port()).register();
		}
		endpoints.forEach(System::setProperty);
		return endpoints.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
	}

	/**
	 * Removes what {@link #prepare} wrote into etcd, whose prefix the other scenarios share,
	 * and closes this JVM's applications.
	 */
	public static void cleanUp(Servers servers) throws Exception {
		close();
		KV kv = servers.etcdClient().getKVClient();
		for (Instance i : instances()) {
			kv.delete(i.key()).get(10, TimeUnit.SECONDS);
		}
		List.of(ETCD, ZOOKEEPER, EUREKA).forEach(System::clearProperty);
	}

	synchronized ConfigurableApplicationContext etcd() {
		if (this.etcd == null) {
			// With the fixed-list load-balanced clients of the choose floor.
			this.etcd = start(Registry.ETCD, ETCD, "spring.main.sources=" + FixedLists.class.getName());
			awaitEveryInstance(this.etcd);
		}
		return this.etcd;
	}

	synchronized ConfigurableApplicationContext zookeeper() throws Exception {
		if (this.zookeeper == null) {
			this.zookeeper = start(Registry.ZOOKEEPER_FASTEST, ZOOKEEPER);
			@SuppressWarnings("unchecked")
			ServiceDiscovery<ZookeeperInstance> zk = this.zookeeper.getBean(ServiceDiscovery.class);
			for (Instance i : instances()) {
				zk.registerService(ServiceInstance.<ZookeeperInstance>builder()
					.name(i.service())
					.id(i.id())
					.address("127.0.0.1")
					.port(i.port())
					.payload(new ZookeeperInstance(i.id(), i.service(), Map.of()))
					.build());
			}
			awaitEveryInstance(this.zookeeper);
		}
		return this.zookeeper;
	}

	synchronized ConfigurableApplicationContext eureka() {
		if (this.eureka == null) {
			this.eureka = start(Registry.EUREKA_FASTEST, EUREKA);
			awaitEveryInstance(this.eureka);
		}
		return this.eureka;
	}

	/** Every instance: {@code svc-10}'s are {@code svc-10-0} to {@code svc-10-9}, on ports 10000 to 10009. */
	private static List<Instance> instances() {
		List<Instance> all = new ArrayList<>();
		for (int size : SIZES) {
			for (int i = 0; i < size; i++) {
				all.add(new Instance("svc-" + size, "svc-" + size + "-" + i, 10_000 + i));
			}
		}
		return all;
	}

	private static void awaitEveryInstance(ConfigurableApplicationContext app) {
		DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofMinutes(2))
			.until(() -> discovery.getInstances("svc-100").size() == 100 && discovery.getInstances("svc-1").size() == 1);
	}

	/**
	 * A caller application without a web server (it only looks up), against the server
	 * {@link #prepare} named in the system property {@code endpoint}.
	 */
	private ConfigurableApplicationContext start(Registry registry, String endpoint, String... extraProperties) {
		String where = System.getProperty(endpoint);
		if (where == null) {
			throw new IllegalStateException("No " + endpoint + ": LookupFixtures.prepare(servers) runs before the lookups");
		}
		Apps started = new Apps(registry, where);
		this.apps.add(started);
		List<String> properties = new ArrayList<>(List.of(extraProperties));
		properties.add("spring.main.web-application-type=none");
		return started.start("lookup", "lookup-" + registry.name().toLowerCase(java.util.Locale.ROOT), false,
				properties.toArray(String[]::new));
	}

	static synchronized LookupFixtures get() {
		if (instance == null) {
			instance = new LookupFixtures();
		}
		return instance;
	}

	private record Instance(String service, String id, int port) {

		ByteSequence key() {
			return ByteSequence.from(CODEC.key(this.service, this.id), StandardCharsets.UTF_8);
		}

	}

	/** Closes the applications of this JVM, if they were started. */
	public static synchronized void close() {
		if (instance != null) {
			instance.apps.forEach(Apps::close);
			instance = null;
		}
	}

}
