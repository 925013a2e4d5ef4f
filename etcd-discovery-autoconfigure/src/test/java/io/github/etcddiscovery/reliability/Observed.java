package io.github.etcddiscovery.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.test.EtcdBinaries;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the fault-injection tests look at: an application's own account of its registration
 * and view (health, discovery client), and etcd's account read directly, in one comparable
 * form: {@code service/instance host:port STATUS}.
 */
final class Observed {

	static final String REQUEST_TIMEOUT_1S = "spring.cloud.etcd.request-timeout=1s";

	static final String INCLUDE_NOT_UP = "spring.cloud.etcd.discovery.include-not-up-instances=true";

	/** No periodic drift check during a test: what the view shows, the watch brought. */
	static final String WATCH_ONLY = "spring.cloud.etcd.discovery.resync-interval=1h";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Observed() {
	}

	/** These tests kill, pause and wipe etcd: only a local binary allows that. */
	static void assumeLocalEtcdBinary() {
		assumeTrue(EtcdBinaries.etcd().isPresent(),
				"Fault-injection tests kill and pause etcd processes: install etcd (apt-get install etcd-server "
						+ "etcd-client) or set ETCD_BINARY");
	}

	/**
	 * Closes in the order given (applications before the etcd they talk to), skipping what a
	 * test never started, and closing the rest even when one fails.
	 */
	static void closeAll(AutoCloseable... resources) {
		IllegalStateException failure = null;
		for (AutoCloseable resource : resources) {
			try {
				if (resource != null) {
					resource.close();
				}
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : new IllegalStateException("Closing " + resource + " failed", ex);
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	static String ttl(Duration ttl) {
		return "spring.cloud.etcd.discovery.ttl=" + ttl.toSeconds() + "s";
	}

	static String endpoints(List<String> endpoints) {
		return "spring.cloud.etcd.endpoints=" + String.join(",", endpoints);
	}

	// ---- the application's side ----

	static Health health(ConfigurableApplicationContext app) {
		return app.getBean(EtcdHealthIndicator.class).health(true);
	}

	static Status status(ConfigurableApplicationContext app) {
		return health(app).getStatus();
	}

	/** The registration's lease state as health reports it ({@code ACTIVE}, {@code RECOVERING}, ...). */
	static String state(ConfigurableApplicationContext app) {
		return String.valueOf(health(app).getDetails().get("state"));
	}

	/** The lease the application believes its registration is under. */
	static long leaseId(ConfigurableApplicationContext app) {
		return Long.parseUnsignedLong(leaseIdHex(app), 16);
	}

	static String leaseIdHex(ConfigurableApplicationContext app) {
		return String.valueOf(health(app).getDetails().get("leaseId"));
	}

	/**
	 * Waits until etcd has answered a keep-alive for the current lease. Until then jetcd
	 * gives a new lease its keepaliveTimeout (10 s), not the TTL, before declaring it lost, so
	 * a fault injected right after registering would be noticed late.
	 */
	static void awaitKeptAlive(ConfigurableApplicationContext... apps) {
		for (ConfigurableApplicationContext app : apps) {
			Object sinceRegistering = health(app).getDetails().get("lastKeepAlive");
			await("a keep-alive answered").atMost(Duration.ofSeconds(3))
				.until(() -> !sinceRegistering.equals(health(app).getDetails().get("lastKeepAlive")));
		}
	}

	static int recoveries(ConfigurableApplicationContext app) {
		return (Integer) health(app).getDetails().get("recoveries");
	}

	/** Every instance the application's discovery client returns, over all services. */
	static SortedSet<String> view(ConfigurableApplicationContext app) {
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
		SortedSet<String> entries = new TreeSet<>();
		for (String service : discovery.getServices()) {
			for (ServiceInstance instance : discovery.getInstances(service)) {
				entries.add(entry(instance.getServiceId(), instance.getInstanceId(),
						instance.getHost() + ":" + instance.getPort(), ((EtcdServiceInstance) instance).getStatus()));
			}
		}
		return entries;
	}

	// ---- etcd's side ----

	/** A client of our own, so that no reconnect backoff left over from before a fault delays a read. */
	static Client client(List<String> endpoints) {
		return Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
	}

	static Client client(String endpoint) {
		return client(List.of(endpoint));
	}

	/** Everything under the prefix, read from etcd in one linearizable range read. */
	static SortedSet<String> registry(Client client, String prefix) {
		SortedSet<String> entries = new TreeSet<>();
		keyValues(client, prefix).forEach((key, kv) -> {
			String[] path = key.substring(prefix.length() + 1).split("/");
			JsonNode value = JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8));
			entries.add(entry(path[0], path[1], value.get("host").asString() + ":" + value.get("port").asInt(),
					value.get("status").asString()));
		});
		return entries;
	}

	static Map<String, KeyValue> keyValues(Client client, String prefix) {
		ByteSequence from = bytes(prefix + "/");
		Map<String, KeyValue> found = new TreeMap<>();
		for (KeyValue kv : get(client.getKVClient().get(from, GetOption.builder().isPrefix(true).build())).getKvs()) {
			found.put(kv.getKey().toString(StandardCharsets.UTF_8), kv);
		}
		return found;
	}

	static KeyValue keyValue(Client client, String key) {
		List<KeyValue> kvs = get(client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	/** Seconds etcd still gives the lease; -1 once it is gone. */
	static long remainingTtl(Client client, long lease) {
		return get(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL();
	}

	/**
	 * The application is registered: it says its lease is ACTIVE, and etcd holds its key
	 * under exactly that lease.
	 */
	static boolean registered(ConfigurableApplicationContext app, Client client, String key) {
		if (!"ACTIVE".equals(state(app))) {
			return false;
		}
		KeyValue kv = keyValue(client, key);
		return kv != null && kv.getLease() == leaseId(app);
	}

	static String entry(String service, String instance, String address, String status) {
		return service + "/" + instance + " " + address + " " + status;
	}

	// ---- measuring ----

	static Duration since(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

	/** One line per measurement in the test output, for the record. */
	static void report(String measurement, Object value) {
		Object shown = (value instanceof Duration duration) ? duration.toMillis() + " ms" : value;
		System.out.println("[reliability] " + measurement + ": " + shown);
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	static <T> T get(CompletableFuture<T> future) {
		try {
			return future.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
