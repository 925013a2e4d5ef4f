package io.github.etcddiscovery.benchmark;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.CallStream;
import io.github.etcddiscovery.testapp.CallStream.Call;
import io.github.etcddiscovery.testapp.LoadBalancerView;
import io.github.etcddiscovery.testapp.TestApps;

import org.awaitility.Awaitility;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * How long a change in etcd takes to reach load-balanced calls, next to how long etcd itself
 * takes to deliver a change to a plain watcher, measured in the same run on the same etcd.
 *
 * <p>
 * A caller streams calls to a service with two instances, A and B, and B is registered and
 * deregistered again and again through the registry API. Measured per cycle:
 * <ul>
 * <li>registration to first call: from the start of {@code register} (lease grant and put)
 * to the sending of the first call that B answered;</li>
 * <li>deregistration to last call: from the start of {@code deregister} to the sending of
 * the last call that B answered (negative when no call was sent to it after);</li>
 * <li>baselines: a plain jetcd client's grant+put, and plain put, to the event on a plain
 * jetcd watch.</li>
 * </ul>
 * Run: {@code ./mvnw -q -pl etcd-discovery-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.github.etcddiscovery.benchmark.PropagationBenchmark}
 * (optional argument: cycles, default 300).
 */
public final class PropagationBenchmark {

	/** Calling threads, each calling without pause: the faster the stream, the finer the measure. */
	private static final int CALLERS = 3;

	private PropagationBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int cycles = (args.length > 0) ? Integer.parseInt(args[0]) : 300;
		// Timestamps are taken where things happen; polling only paces the cycles.
		Awaitility.setDefaultPollInterval(2, TimeUnit.MILLISECONDS);
		try (EtcdServer etcd = EtcdServer.builder().name("benchmark").start();
				TestApps apps = new TestApps(etcd.clientEndpoint(), "/bench")) {
			apps.start("provider");
			ConfigurableApplicationContext toggled = apps.start("provider");
			ConfigurableApplicationContext caller = apps.start("caller", "spring.cloud.loadbalancer.retry.enabled=false");
			EtcdServiceRegistry registry = toggled.getBean(EtcdServiceRegistry.class);
			EtcdRegistration b = TestApps.registration(toggled);
			RawWatch raw = new RawWatch(apps.etcd().jetcd(), "/raw/key");

			List<Long> registration = new ArrayList<>();
			List<Long> deregistration = new ArrayList<>();
			List<Long> grantPut = new ArrayList<>();
			List<Long> put = new ArrayList<>();
			try (LoadBalancerView view = new LoadBalancerView(caller, "provider");
					CallStream calls = CallStream.start(caller, CallStream.Client.REST_CLIENT, "provider", CALLERS,
							Duration.ZERO)) {
				long startedAt = System.nanoTime();
				for (int i = -20; i < cycles; i++) {
					boolean warm = i >= 0;
					long registerAt = System.nanoTime();
					registry.register(b);
					Call first = await().until(() -> calls.calls()
						.stream()
						.filter(c -> c.sentAt() >= registerAt && b.getInstanceId().equals(c.instance()))
						.findFirst()
						.orElse(null), c -> c != null);
					pauseBriefly();
					long deregisterAt = System.nanoTime();
					registry.deregister(b);
					view.awaitOfferWithout(Set.of(b.getInstanceId()), deregisterAt);
					calls.awaitMoreCalls(10);
					long last = calls.answeredBy(b.getInstanceId()).stream().mapToLong(Call::sentAt).max().orElseThrow();
					long grantPutLatency = raw.grantAndPut();
					long putLatency = raw.put();
					if (warm) {
						registration.add(first.sentAt() - registerAt);
						deregistration.add(last - deregisterAt);
						grantPut.add(grantPutLatency);
						put.add(putLatency);
					}
					pauseBriefly();
				}
				long callCount = calls.calls().size();
				double seconds = (System.nanoTime() - startedAt) / 1e9;
				System.out.printf("%n[benchmark] %d cycles, %d calls in %.1f s (%.0f/s, %d failed) from %d threads%n",
						cycles, callCount, seconds, callCount / seconds, calls.failures().size(), CALLERS);
			}
			raw.close();
			System.out.println("[benchmark] metric                                      median      p99      max");
			Latencies.print("etcd put -> plain watch event", put, null, null);
			Latencies.print("etcd grant+put -> plain watch event", grantPut, null, null);
			Latencies.print("registration -> first load-balanced call", registration, grantPut, "grant+put");
			Latencies.print("deregistration -> last load-balanced call", deregistration, put, "put");
		}
	}

	private static void pauseBriefly() throws InterruptedException {
		// Decorrelates the cycles from the callers' pace.
		Thread.sleep(ThreadLocalRandom.current().nextInt(5, 15));
	}

	/** etcd alone: a plain client writes, a plain watch sees it. */
	private static final class RawWatch {

		private final Client client;

		private final ByteSequence key;

		private final AtomicLong seenAt = new AtomicLong();

		private final Watch.Watcher watcher;

		RawWatch(Client client, String key) {
			this.client = client;
			this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
			this.watcher = client.getWatchClient()
				.watch(this.key, WatchOption.builder().build(), Watch.listener(response -> {
					if (response.getEvents().stream().anyMatch(e -> e.getEventType() == WatchEvent.EventType.PUT)) {
						this.seenAt.set(System.nanoTime());
					}
				}));
		}

		long put() throws Exception {
			this.seenAt.set(0);
			long start = System.nanoTime();
			this.client.getKVClient().put(this.key, value()).get(5, TimeUnit.SECONDS);
			return seen() - start;
		}

		long grantAndPut() throws Exception {
			this.seenAt.set(0);
			long start = System.nanoTime();
			long lease = this.client.getLeaseClient().grant(10).get(5, TimeUnit.SECONDS).getID();
			this.client.getKVClient()
				.put(this.key, value(), PutOption.builder().withLeaseId(lease).build())
				.get(5, TimeUnit.SECONDS);
			long latency = seen() - start;
			this.client.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
			return latency;
		}

		private long seen() {
			return await().until(this.seenAt::get, at -> at != 0);
		}

		private static ByteSequence value() {
			return ByteSequence.from(Long.toString(System.nanoTime()), StandardCharsets.UTF_8);
		}

		void close() {
			this.watcher.close();
		}

	}

}
