package io.github.etcddiscovery.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.config.ConfigClient;
import io.github.etcddiscovery.config.EtcdConfigWatch;
import io.github.etcddiscovery.health.EtcdHealthIndicator;
import io.github.etcddiscovery.test.EtcdCluster;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.bytes;
import static io.github.etcddiscovery.reliability.Observed.client;
import static io.github.etcddiscovery.reliability.Observed.get;
import static io.github.etcddiscovery.reliability.Observed.health;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configuration survives etcd going away: the last good configuration stays (a refresh
 * meanwhile removes nothing) and health says so; what changed while etcd was away, after it
 * lost its data, or in revisions compacted meanwhile arrives once it is back.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigOutageTest {

	private static final String CONFIG = "/config";

	private EtcdServer etcd;

	private EtcdCluster cluster;

	private TestApps apps;

	private Client client;

	@BeforeAll
	static void needsLocalEtcdBinary() {
		Observed.assumeLocalEtcdBinary();
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.client, this.apps, this.etcd, this.cluster);
	}

	@Test
	void whileEtcdIsDownTheLastGoodConfigurationStaysAndHealthSaysSoThenChangesArriveAgain() {
		this.etcd = EtcdServer.builder().name("config-outage").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), "/services");
		this.apps.etcd().put(CONFIG + "/orders/greeting/message", "before");
		ConfigurableApplicationContext orders = start();
		await().atMost(Duration.ofSeconds(5)).until(() -> following(orders));

		long killedAt = System.nanoTime();
		this.etcd.kill();
		await().atMost(Duration.ofSeconds(5)).until(() -> !following(orders));
		report("config outage: not following after", since(killedAt));
		assertThat(status(orders)).isEqualTo(EtcdHealthIndicator.ETCD_DOWN);
		assertThat(config(orders)).containsEntry("following", false)
			.containsEntry("configuration", "serving the last good configuration (revision "
					+ config(orders).get("revision") + ") until etcd answers");

		// Anything may refresh meanwhile (/actuator/refresh, a bus): nothing is removed.
		orders.getBean(ContextRefresher.class).refresh();
		assertThat(orders.getEnvironment().getProperty("greeting.message")).isEqualTo("before");
		assertThat(greeting(orders)).isEqualTo("before");

		this.etcd.restart();
		this.client = client(this.etcd.clientEndpoint());
		long backAt = System.nanoTime();
		get(this.client.getKVClient().put(bytes(CONFIG + "/orders/greeting/message"), bytes("after")));
		await().atMost(Duration.ofSeconds(10)).until(() -> greeting(orders).equals("after"));
		report("config outage: change after etcd returned, refreshed after", since(backAt));
		await().atMost(Duration.ofSeconds(5)).until(() -> following(orders) && status(orders) == Status.UP);
	}

	@Test
	void anEtcdThatLostItsDataIsReadAgainAndItsNewContentsArrive() {
		this.etcd = EtcdServer.builder().name("config-wiped").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), "/services");
		for (int i = 0; i < 20; i++) {
			this.apps.etcd().put(CONFIG + "/application/demo/b", "old-" + i);
		}
		this.apps.etcd().put(CONFIG + "/orders/greeting/message", "old");
		ConfigurableApplicationContext orders = start();
		await().atMost(Duration.ofSeconds(5)).until(() -> following(orders));
		long revisionBefore = orders.getBean(EtcdConfigWatch.class).getSnapshot().revision();

		this.etcd.restartEmpty();
		this.client = client(this.etcd.clientEndpoint());
		get(this.client.getKVClient().put(bytes(CONFIG + "/orders/greeting/message"), bytes("new")));

		// A revision below the one seen: the watch would wait for it forever; a fresh read does not.
		await().atMost(Duration.ofSeconds(10)).until(() -> greeting(orders).equals("new"));
		assertThat(orders.getEnvironment().getProperty("demo.b")).as("gone with the data").isNull();
		assertThat(orders.getBean(EtcdConfigWatch.class).getSnapshot().revision()).isLessThan(revisionBefore);
	}

	@Test
	void keysChangedWhileTheApplicationsMemberWasAwayAndCompactedArriveWhenItReturns(CapturedOutput output) {
		this.cluster = EtcdCluster.start(3);
		EtcdServer watched = this.cluster.followers().get(0);
		List<String> others = this.cluster.clientEndpointsExcept(watched);
		this.apps = new TestApps(watched.clientEndpoint(), "/services");
		this.client = client(others);
		get(this.client.getKVClient().put(bytes(CONFIG + "/orders/greeting/message"), bytes("v1")));
		ConfigurableApplicationContext orders = start();
		await().atMost(Duration.ofSeconds(5)).until(() -> following(orders));
		assertThat(greeting(orders)).isEqualTo("v1");

		watched.kill();
		long last = 0;
		for (int i = 2; i <= 10; i++) {
			last = get(this.client.getKVClient().put(bytes(CONFIG + "/orders/greeting/message"), bytes("v" + i)))
				.getHeader()
				.getRevision();
		}
		get(this.client.getKVClient().put(bytes(CONFIG + "/application/demo/a"), bytes("added while away")));
		this.cluster.members().stream().filter((m) -> m != watched).findFirst().orElseThrow()
			.etcdctl("compact", Long.toString(last));
		assertThat(greeting(orders)).as("the last good configuration, meanwhile").isEqualTo("v1");

		long restartedAt = System.nanoTime();
		watched.restart();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> greeting(orders).equals("v10")
					&& "added while away".equals(orders.getBean(ConfigClient.DemoProperties.class).getA()));
		report("config: member back, changes made while it was away arrived after", since(restartedAt));
		// The watches resumed from a compacted revision: they ended, and were opened again after a read.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> output.getOut().contains("etcd configuration watch ended (") && following(orders));
		assertThat(output.getOut()).contains("compacted");
		String changed = "after the watch was opened again";
		get(this.client.getKVClient().put(bytes(CONFIG + "/orders/greeting/message"), bytes(changed)));
		await().atMost(Duration.ofSeconds(5)).until(() -> greeting(orders).equals(changed));
	}

	private ConfigurableApplicationContext start() {
		return this.apps.startWith(ConfigClient.class, "orders", "spring.config.import=etcd:", REQUEST_TIMEOUT_1S,
				"spring.cloud.etcd.config.prefix=" + CONFIG);
	}

	private static boolean following(ConfigurableApplicationContext app) {
		return app.getBean(EtcdConfigWatch.class).isFollowing();
	}

	private static String greeting(ConfigurableApplicationContext app) {
		return app.getBean(ConfigClient.Greeting.class).message();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> config(ConfigurableApplicationContext app) {
		return (Map<String, Object>) health(app).getDetails().get("config");
	}

}
