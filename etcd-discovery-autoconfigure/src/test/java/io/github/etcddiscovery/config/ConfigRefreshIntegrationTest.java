package io.github.etcddiscovery.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes written to etcd reach running applications: a {@code @RefreshScope} bean and a
 * {@code @ConfigurationProperties} bean see the new values; what one transaction wrote
 * arrives in one refresh.
 */
class ConfigRefreshIntegrationTest {

	private static final Duration PUSHED = Duration.ofSeconds(5);

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void aChangeReachesRefreshScopeAndConfigurationPropertiesBeans() {
		String context = this.apps.prefix() + "-config/orders/";
		put(context + "greeting/message", "hello");
		put(context + "demo/timeout", "1s");
		ConfigurableApplicationContext orders = start();
		assertThat(greeting(orders)).isEqualTo("hello");

		put(context + "greeting/message", "hello again");
		put(context + "demo/timeout", "2s");

		await().atMost(PUSHED).until(() -> greeting(orders).equals("hello again")
				&& demo(orders).getTimeout().equals("2s"));
		assertThat(orders.getEnvironment().getProperty("greeting.message")).isEqualTo("hello again");
	}

	@Test
	void aKeyAddedInAMoreSpecificContextOverridesAndADeletedKeyIsGone() {
		String config = this.apps.prefix() + "-config";
		put(config + "/application/greeting/message", "shared");
		ConfigurableApplicationContext orders = start();
		assertThat(greeting(orders)).isEqualTo("shared");

		put(config + "/orders/greeting/message", "own");
		await().atMost(PUSHED).until(() -> greeting(orders).equals("own"));

		this.apps.etcd().delete(config + "/orders/greeting/message");
		await().atMost(PUSHED).until(() -> greeting(orders).equals("shared"));

		this.apps.etcd().delete(config + "/application/greeting/message");
		await().atMost(PUSHED).until(() -> greeting(orders).equals("none"));
	}

	@Test
	void keysWrittenInOneTransactionArriveInOneRefreshNeverHalfApplied() throws Exception {
		String config = this.apps.prefix() + "-config";
		put(config + "/orders/demo/a", "1");
		put(config + "/application/demo/b", "1");
		ConfigurableApplicationContext orders = start();
		ConfigClient.Refreshes refreshes = orders.getBean(ConfigClient.Refreshes.class);
		awaitWatching(orders);

		for (int round = 2; round <= 6; round++) {
			String value = String.valueOf(round);
			// Two contexts, two watches: still one snapshot, one refresh.
			this.apps.etcd()
				.jetcd()
				.getKVClient()
				.txn()
				.Then(Op.put(bytes(config + "/orders/demo/a"), bytes(value), PutOption.DEFAULT),
						Op.put(bytes(config + "/application/demo/b"), bytes(value), PutOption.DEFAULT))
				.commit()
				.get(10, TimeUnit.SECONDS);
			int expectedRefreshes = round - 1;
			await().atMost(PUSHED).until(() -> refreshes.pairsSeen.size() == expectedRefreshes);
			assertThat(demo(orders).getA()).isEqualTo(value);
			assertThat(demo(orders).getB()).isEqualTo(value);
		}

		assertThat(refreshes.pairsSeen).containsExactly("2/2", "3/3", "4/4", "5/5", "6/6");
		// The rebinding happens while the RefreshEvent is being handled, before it reaches our listener.
		await().atMost(PUSHED).until(() -> refreshes.revisions.size() >= 5);
		assertThat(refreshes.revisions).hasSize(5);
		assertThat(refreshes.changedKeys).allSatisfy(keys -> assertThat(keys).isEqualTo(Set.of("demo.a", "demo.b")));
	}

	@Test
	void aPutOfTheSameValueOrAnUnrelatedKeyCausesNoRefresh() {
		String config = this.apps.prefix() + "-config";
		put(config + "/orders/demo/a", "1");
		ConfigurableApplicationContext orders = start();
		ConfigClient.Refreshes refreshes = orders.getBean(ConfigClient.Refreshes.class);
		awaitWatching(orders);

		put(config + "/orders/demo/a", "1");
		put(config + "/billing/demo/a", "2");
		put(config + "/orders/demo/a", "3");

		await().atMost(PUSHED).until(() -> demo(orders).getA().equals("3") && !refreshes.revisions.isEmpty());
		assertThat(refreshes.revisions).hasSize(1);
	}

	@Test
	void withoutTheWatchARefreshReadsEtcd() {
		String context = this.apps.prefix() + "-config/orders/";
		put(context + "greeting/message", "first");
		ConfigurableApplicationContext orders = this.apps.startWith(ConfigClient.class, "orders",
				"spring.config.import=etcd:", "spring.cloud.etcd.config.prefix=" + this.apps.prefix() + "-config",
				"spring.cloud.etcd.config.watch.enabled=false");
		assertThat(orders.getBeanNamesForType(EtcdConfigWatch.class)).isEmpty();

		put(context + "greeting/message", "second");
		assertThat(greeting(orders)).as("nothing pushed").isEqualTo("first");
		orders.getBean(ContextRefresher.class).refresh();

		assertThat(greeting(orders)).isEqualTo("second");
	}

	private ConfigurableApplicationContext start() {
		return this.apps.startWith(ConfigClient.class, "orders", "spring.config.import=etcd:",
				"spring.cloud.etcd.config.prefix=" + this.apps.prefix() + "-config");
	}

	static void awaitWatching(ConfigurableApplicationContext app) {
		await().atMost(PUSHED).until(() -> app.getBean(EtcdConfigWatch.class).isFollowing());
	}

	static String greeting(ConfigurableApplicationContext app) {
		return app.getBean(ConfigClient.Greeting.class).message();
	}

	static ConfigClient.DemoProperties demo(ConfigurableApplicationContext app) {
		return app.getBean(ConfigClient.DemoProperties.class);
	}

	private void put(String key, String value) {
		this.apps.etcd().put(key, value);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
