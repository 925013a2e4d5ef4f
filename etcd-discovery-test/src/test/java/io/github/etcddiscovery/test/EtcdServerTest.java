package io.github.etcddiscovery.test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the test support against the real etcd binary.
 */
class EtcdServerTest {

	private EtcdServer etcd;

	private Client client;

	@BeforeAll
	static void needsLocalEtcd() {
		// Docker-only machines cannot run these: a container cannot be killed or paused in place.
		assumeTrue(EtcdBinaries.etcd().isPresent(), EtcdBinaries.NOT_FOUND_BINARY_REQUIRED);
	}

	@AfterEach
	void tearDown() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.etcd != null) {
			this.etcd.close();
		}
	}

	@Test
	void servesReadsAndWritesOnItsLoopbackEndpoint() throws Exception {
		this.etcd = EtcdServer.builder().name("basic").start();

		assertThat(this.etcd.clientEndpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
		assertThat(this.etcd.isRunning()).isTrue();
		put("/basic/a", "1");
		assertThat(get("/basic/a")).isEqualTo("1");
	}

	@Test
	void etcdctlTalksToTheSameServer() throws Exception {
		this.etcd = EtcdServer.builder().start();

		put("/ctl/from-jetcd", "j");
		this.etcd.etcdctl("put", "/ctl/from-etcdctl", "e");

		assertThat(this.etcd.etcdctl("get", "/ctl/from-jetcd", "--print-value-only")).isEqualTo("j\n");
		assertThat(get("/ctl/from-etcdctl")).isEqualTo("e");
		assertThatThrownBy(() -> this.etcd.etcdctl("no-such-command")).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("exited with code")
			.hasMessageContaining("no-such-command");
	}

	@Test
	void killThenRestartKeepsDataAndEndpoint() throws Exception {
		this.etcd = EtcdServer.builder().start();
		String endpoint = this.etcd.clientEndpoint();
		put("/restart/k", "kept");

		this.etcd.kill();
		assertThat(this.etcd.isRunning()).isFalse();
		this.etcd.restart();

		assertThat(this.etcd.clientEndpoint()).isEqualTo(endpoint);
		assertThat(getWithFreshClient("/restart/k")).isEqualTo("kept");
	}

	@Test
	void restartEmptyLosesData() throws Exception {
		this.etcd = EtcdServer.builder().start();
		String endpoint = this.etcd.clientEndpoint();
		put("/wipe/k", "gone");

		this.etcd.restartEmpty();

		assertThat(this.etcd.clientEndpoint()).isEqualTo(endpoint);
		assertThat(getWithFreshClient("/wipe/k")).isNull();
	}

	@Test
	void pausedServerAnswersNothingUntilResumed() throws Exception {
		this.etcd = EtcdServer.builder().start();
		put("/pause/k", "v");

		this.etcd.pause();
		assertThat(this.etcd.isPaused()).isTrue();
		assertThatThrownBy(() -> kvGet("/pause/k").get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);

		this.etcd.resume();
		assertThat(this.etcd.isPaused()).isFalse();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get("/pause/k")).isEqualTo("v"));
	}

	@Test
	void closeKillsEtcdAndDeletesItsFiles() throws Exception {
		this.etcd = EtcdServer.builder().start();
		put("/close/k", "v");
		Path dataDir = this.etcd.dataDir();
		assertThat(dataDir).isDirectory();
		assertThat(this.etcd.logFile()).isRegularFile();

		this.etcd.close();

		assertThat(this.etcd.isRunning()).isFalse();
		assertThat(dataDir).doesNotExist();
		assertThat(dataDir.getParent()).doesNotExist();
	}

	@Test
	void failedStartReportsTheEndOfEtcdsLog() {
		assertThatThrownBy(() -> EtcdServer.builder().extraArgs("--no-such-flag").start())
			.isInstanceOf(EtcdStartException.class)
			.hasMessageContaining("exited with code")
			.hasMessageContaining("end of etcd's log")
			.hasMessageContaining("no-such-flag");
	}

	@Test
	void sharedServerIsStartedOnceAndCannotBeDisturbed() {
		EtcdServer shared = SharedEtcd.get();

		assertThat(SharedEtcd.get()).isSameAs(shared);
		String key = SharedEtcd.uniquePrefix("shared") + "/k";
		shared.etcdctl("put", key, "v");
		assertThat(shared.etcdctl("get", key, "--print-value-only")).isEqualTo("v\n");
		assertThatThrownBy(shared::kill).isInstanceOf(UnsupportedOperationException.class);
		shared.close();
		assertThat(shared.isRunning()).isTrue();
	}

	@Test
	void uniquePrefixesAreReadableAndDistinct() {
		String first = SharedEtcd.uniquePrefix("My Test#method()");
		String second = SharedEtcd.uniquePrefix("My Test#method()");

		assertThat(first).matches("/it-My-Test-method-\\w{8}").isNotEqualTo(second);
	}

	private void put(String key, String value) throws Exception {
		client().getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
	}

	private String get(String key) throws Exception {
		GetResponse response = kvGet(key).get(5, TimeUnit.SECONDS);
		return response.getKvs().isEmpty() ? null : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	private CompletableFuture<GetResponse> kvGet(String key) {
		return client().getKVClient().get(bytes(key));
	}

	/** After a restart a new client avoids waiting out gRPC's reconnect backoff. */
	private String getWithFreshClient(String key) throws Exception {
		this.client.close();
		this.client = null;
		return get(key);
	}

	private Client client() {
		if (this.client == null) {
			this.client = Client.builder().endpoints(this.etcd.clientEndpoint()).build();
		}
		return this.client;
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
