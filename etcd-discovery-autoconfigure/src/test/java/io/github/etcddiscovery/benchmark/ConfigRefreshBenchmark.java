package io.github.etcddiscovery.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.github.etcddiscovery.config.ConfigClient;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;

import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * How long a configuration change takes from the etcd write to a {@code @RefreshScope} bean
 * built with the new value, next to how long etcd itself takes to deliver the write to a
 * plain watcher, in the same run on the same etcd.
 *
 * <p>
 * One web application (the test app with {@link ConfigClient}) imports {@code etcd:}; a plain
 * jetcd client writes {@code greeting.message} again and again. Measured per write, from the
 * start of the put:
 * <ul>
 * <li>the event on a plain jetcd watch of the key (baseline);</li>
 * <li>the {@link RefreshEvent} our watch publishes (watch event plus one read of every
 * context at one revision);</li>
 * <li>the {@code @RefreshScope} bean answering the new value (Spring Cloud's refresh of the
 * environment, the rebinding and the bean made again).</li>
 * </ul>
 * Run: {@code ./mvnw -q -pl etcd-discovery-autoconfigure test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.github.etcddiscovery.benchmark.ConfigRefreshBenchmark}
 * (optional argument: writes, default 200).
 */
public final class ConfigRefreshBenchmark {

	private static final String KEY = "/config/orders/greeting/message";

	private ConfigRefreshBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int writes = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		try (EtcdServer etcd = EtcdServer.builder().name("config-benchmark").start();
				TestApps apps = new TestApps(etcd.clientEndpoint(), "/services")) {
			apps.etcd().put(KEY, "start");
			ConfigurableApplicationContext orders = apps.startWith(ConfigClient.class, "orders",
					"spring.config.import=etcd:", "logging.level.io.github.etcddiscovery.config=WARN",
					"logging.level.org.springframework.cloud=WARN");
			AtomicLong refreshEventAt = new AtomicLong();
			orders.addApplicationListener(new FirstToHear(refreshEventAt));
			ConfigClient.Greeting greeting = orders.getBean(ConfigClient.Greeting.class);
			Client client = apps.etcd().jetcd();
			AtomicLong watchedAt = new AtomicLong();
			ByteSequence key = ByteSequence.from(KEY, StandardCharsets.UTF_8);
			Watch.Watcher watcher = client.getWatchClient()
				.watch(key, WatchOption.builder().build(),
						Watch.listener(response -> watchedAt.compareAndSet(0, System.nanoTime())));

			List<Long> plainWatch = new ArrayList<>();
			List<Long> refreshEvent = new ArrayList<>();
			List<Long> refreshedBean = new ArrayList<>();
			for (int i = -20; i < writes; i++) {
				String value = "hello-" + i;
				watchedAt.set(0);
				refreshEventAt.set(0);
				long putAt = System.nanoTime();
				client.getKVClient().put(key, ByteSequence.from(value, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
				long deadline = putAt + TimeUnit.SECONDS.toNanos(10);
				while (!greeting.message().equals(value)) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("write " + i + " not refreshed within 10 s");
					}
					LockSupport.parkNanos(200_000); // 0.2 ms: fine enough, and leaves the CPU to the refresh
				}
				long beanAt = System.nanoTime();
				if (i >= 0) {
					plainWatch.add(watchedAt.get() - putAt);
					refreshEvent.add(refreshEventAt.get() - putAt);
					refreshedBean.add(beanAt - putAt);
				}
				// Changes apart, as operators make them: each refresh has finished before the next write.
				Thread.sleep(100);
			}
			watcher.close();
			System.out.printf("%n[benchmark] %d writes of %s, one application importing etcd:%n", writes, KEY);
			System.out.println("[benchmark] metric                                      median      p99      max");
			Latencies.print("etcd put -> plain watch event", plainWatch, null, null);
			Latencies.print("etcd put -> RefreshEvent published", refreshEvent, plainWatch, "plain watch");
			Latencies.print("etcd put -> @RefreshScope bean has the value", refreshedBean, plainWatch, "plain watch");
		}
	}

	/** Hears the RefreshEvent before Spring Cloud's listener, which refreshes while handling it. */
	private record FirstToHear(AtomicLong at) implements ApplicationListener<RefreshEvent>, Ordered {

		@Override
		public void onApplicationEvent(RefreshEvent event) {
			this.at.compareAndSet(0, System.nanoTime());
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
