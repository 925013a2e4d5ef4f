package io.github.etcddiscovery.benchmarks.lookup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
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
 * {@code svc-100} with that many instances. Each is started on first use and shared by every
 * lookup benchmark that runs in this JVM: JMH forks one JVM per benchmark (quick and full
 * profiles), which then starts only the registry it measures; without forks (smoke) one JVM
 * starts them all once. Closed by {@link #close()}.
 */
public final class LookupFixtures {

	static final int[] SIZES = { 1, 10, 100 };

	private static LookupFixtures instance;

	private final Servers servers = new Servers();

	private final List<Apps> apps = new ArrayList<>();

	private ConfigurableApplicationContext etcd;

	private ConfigurableApplicationContext zookeeper;

	private ConfigurableApplicationContext eureka;

	private LookupFixtures() {
	}

	synchronized ConfigurableApplicationContext etcd() throws Exception {
		if (this.etcd == null) {
			// With the fixed-list load-balanced clients of the choose floor.
			this.etcd = start(Registry.ETCD, "spring.main.sources=" + FixedLists.class.getName());
			EtcdInstanceCodec codec = new EtcdInstanceCodec("/bench");
			for (int size : SIZES) {
				for (int i = 0; i < size; i++) {
					String service = "svc-" + size;
					String id = service + "-" + i;
					byte[] value = codec.encode(
							new EtcdRegistration(service, id, "127.0.0.1", 10_000 + i, false, Map.of()).toInstance());
					this.servers.etcdClient()
						.getKVClient()
						.put(ByteSequence.from(codec.key(service, id), StandardCharsets.UTF_8), ByteSequence.from(value))
						.get(10, TimeUnit.SECONDS);
				}
			}
			awaitEveryInstance(this.etcd);
		}
		return this.etcd;
	}

	synchronized ConfigurableApplicationContext zookeeper() throws Exception {
		if (this.zookeeper == null) {
			this.zookeeper = start(Registry.ZOOKEEPER_FASTEST);
			@SuppressWarnings("unchecked")
			ServiceDiscovery<ZookeeperInstance> zk = this.zookeeper.getBean(ServiceDiscovery.class);
			for (int size : SIZES) {
				for (int i = 0; i < size; i++) {
					String service = "svc-" + size;
					String id = service + "-" + i;
					zk.registerService(ServiceInstance.<ZookeeperInstance>builder()
						.name(service)
						.id(id)
						.address("127.0.0.1")
						.port(10_000 + i)
						.payload(new ZookeeperInstance(id, service, Map.of()))
						.build());
				}
			}
			awaitEveryInstance(this.zookeeper);
		}
		return this.zookeeper;
	}

	synchronized ConfigurableApplicationContext eureka() {
		if (this.eureka == null) {
			Apps eurekaApps = new Apps(Registry.EUREKA_FASTEST, this.servers);
			this.apps.add(eurekaApps);
			this.eureka = eurekaApps.start("lookup", "lookup-eureka", false);
			for (int size : SIZES) {
				for (int i = 0; i < size; i++) {
					String service = "svc-" + size;
					Toggle.of(Registry.EUREKA_FASTEST, this.eureka, eurekaApps.endpoint(), service, service + "-" + i)
						.register();
				}
			}
			awaitEveryInstance(this.eureka);
		}
		return this.eureka;
	}

	private static void awaitEveryInstance(ConfigurableApplicationContext app) {
		DiscoveryClient discovery = app.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofMinutes(2))
			.until(() -> discovery.getInstances("svc-100").size() == 100 && discovery.getInstances("svc-1").size() == 1);
	}

	private ConfigurableApplicationContext start(Registry registry, String... extraProperties) {
		Apps started = new Apps(registry, this.servers);
		this.apps.add(started);
		return started.start("lookup", "lookup-" + registry.name().toLowerCase(java.util.Locale.ROOT), false,
				extraProperties);
	}

	static synchronized LookupFixtures get() {
		if (instance == null) {
			instance = new LookupFixtures();
		}
		return instance;
	}

	/** Stops the applications and servers, if they were started. */
	public static synchronized void close() throws Exception {
		if (instance != null) {
			instance.apps.forEach(Apps::close);
			instance.servers.close();
			instance = null;
		}
	}

}
