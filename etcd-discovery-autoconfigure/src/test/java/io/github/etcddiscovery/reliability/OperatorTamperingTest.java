package io.github.etcddiscovery.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.testapp.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static io.github.etcddiscovery.reliability.Observed.REQUEST_TIMEOUT_1S;
import static io.github.etcddiscovery.reliability.Observed.client;
import static io.github.etcddiscovery.reliability.Observed.keyValue;
import static io.github.etcddiscovery.reliability.Observed.leaseId;
import static io.github.etcddiscovery.reliability.Observed.leaseIdHex;
import static io.github.etcddiscovery.reliability.Observed.registered;
import static io.github.etcddiscovery.reliability.Observed.remainingTtl;
import static io.github.etcddiscovery.reliability.Observed.report;
import static io.github.etcddiscovery.reliability.Observed.since;
import static io.github.etcddiscovery.reliability.Observed.status;
import static io.github.etcddiscovery.reliability.Observed.ttl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator removes a running instance's registration with etcdctl; the instance puts it
 * back within a second.
 */
class OperatorTamperingTest {

	private static final Duration TTL = Duration.ofSeconds(3);

	private static final Duration WITHIN = Duration.ofSeconds(1);

	private EtcdServer etcd;

	private TestApps apps;

	private Client client;

	@BeforeAll
	static void needsLocalEtcd() {
		Observed.assumeLocalEtcdBinary();
	}

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdServer.builder().name("tampering").requireBinary().start();
		this.apps = new TestApps(this.etcd.clientEndpoint(), "/services");
		this.client = client(this.etcd.clientEndpoint());
	}

	@AfterEach
	void tearDown() {
		Observed.closeAll(this.apps, this.client, this.etcd);
	}

	@Test
	void aKeyDeletedWithEtcdctlIsPutBackWithinASecond() {
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(TTL), REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		KeyValue before = keyValue(this.client, key);

		long deletingAt = System.nanoTime();
		assertThat(this.etcd.etcdctl("del", key)).isEqualTo("1\n");

		await().atMost(WITHIN).pollInterval(Duration.ofMillis(10)).until(() -> keyValue(this.client, key) != null);
		Duration back = since(deletingAt);
		report("etcdctl del: key back after etcdctl was started", back);
		assertThat(back).isLessThan(WITHIN);

		KeyValue after = keyValue(this.client, key);
		assertThat(after.getValue()).isEqualTo(before.getValue());
		assertThat(after.getLease()).as("the lease still lives, so it is kept").isEqualTo(before.getLease());
		await().atMost(WITHIN).until(() -> registered(orders, this.client, key));
		assertThat(status(orders)).isEqualTo(Status.UP);
		assertThat(remainingTtl(this.client, after.getLease())).isPositive();
		assertThat(this.apps.etcd().keys("/services/")).containsExactly(key);
	}

	@Test
	void aLeaseRevokedWithEtcdctlIsReplacedAndTheKeyPutBackWithinASecond() {
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(TTL), REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		KeyValue before = keyValue(this.client, key);
		String revoked = leaseIdHex(orders);
		assertThat(Long.parseUnsignedLong(revoked, 16)).isEqualTo(before.getLease());

		long revokingAt = System.nanoTime();
		assertThat(this.etcd.etcdctl("lease", "revoke", revoked)).contains("revoked");

		await().atMost(WITHIN).pollInterval(Duration.ofMillis(10)).until(() -> keyValue(this.client, key) != null);
		Duration back = since(revokingAt);
		report("etcdctl lease revoke: key back after etcdctl was started", back);
		assertThat(back).isLessThan(WITHIN);

		KeyValue after = keyValue(this.client, key);
		assertThat(after.getValue()).isEqualTo(before.getValue());
		assertThat(after.getLease()).as("a new lease").isNotZero().isNotEqualTo(before.getLease());
		assertThat(remainingTtl(this.client, before.getLease())).as("the revoked lease").isEqualTo(-1);
		assertThat(remainingTtl(this.client, after.getLease())).isPositive();
		await().atMost(WITHIN).until(() -> registered(orders, this.client, key));
		assertThat(leaseId(orders)).isEqualTo(after.getLease());
		assertThat(status(orders)).isEqualTo(Status.UP);
		assertThat(this.apps.etcd().keys("/services/")).containsExactly(key);
	}

	/** Without our lease the key would outlive the instance: it is written again under the lease. */
	@Test
	void aKeyOverwrittenWithoutTheLeaseIsPutBackUnderTheLeaseWithinASecond() {
		ConfigurableApplicationContext orders = this.apps.start("orders", ttl(TTL), REQUEST_TIMEOUT_1S);
		String key = this.apps.keyOf(orders);
		KeyValue before = keyValue(this.client, key);

		long overwritingAt = System.nanoTime();
		this.etcd.etcdctl("put", key, before.getValue().toString(StandardCharsets.UTF_8));

		await().atMost(WITHIN).pollInterval(Duration.ofMillis(10))
			.until(() -> keyValue(this.client, key).getLease() == before.getLease());
		Duration back = since(overwritingAt);
		report("etcdctl put without the lease: key under its lease again after etcdctl was started", back);
		assertThat(back).isLessThan(WITHIN);
		await().atMost(WITHIN).until(() -> registered(orders, this.client, key));
		assertThat(status(orders)).isEqualTo(Status.UP);
	}

}
