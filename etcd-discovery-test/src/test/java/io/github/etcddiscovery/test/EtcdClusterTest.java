package io.github.etcddiscovery.test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves that {@link EtcdCluster} forms a real cluster that survives losing its leader.
 */
class EtcdClusterTest {

	private EtcdCluster cluster;

	@BeforeAll
	static void needsLocalEtcd() {
		assumeTrue(EtcdBinaries.etcd().isPresent(), EtcdBinaries.NOT_FOUND_BINARY_REQUIRED);
	}

	@AfterEach
	void tearDown() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void survivesLosingItsLeaderAndTakesItBack() throws Exception {
		this.cluster = EtcdCluster.start(3);
		assertThat(this.cluster.clientEndpoints()).hasSize(3).doesNotHaveDuplicates();
		EtcdServer oldLeader = this.cluster.leader();
		assertThat(this.cluster.followers()).hasSize(2).doesNotContain(oldLeader);

		oldLeader.kill();
		EtcdServer newLeader = this.cluster.leader();
		assertThat(newLeader).isNotSameAs(oldLeader);
		try (Client client = Client.builder().endpoints(newLeader.clientEndpoint()).build()) {
			client.getKVClient().put(bytes("/cluster/k"), bytes("written-without-old-leader")).get(5, TimeUnit.SECONDS);
		}

		oldLeader.restart();
		// Linearizable by default, so the rejoined member must have caught up to answer.
		assertThat(oldLeader.etcdctl("get", "/cluster/k", "--print-value-only"))
			.isEqualTo("written-without-old-leader\n");
	}

	@Test
	void comesBackAfterEveryMemberCrashed() {
		this.cluster = EtcdCluster.start(3);
		this.cluster.member(0).etcdctl("put", "/crash/k", "v");

		this.cluster.members().forEach(EtcdServer::kill);
		// One at a time would hang: a lone member cannot become healthy without a quorum.
		this.cluster.restartTogether(this.cluster.members().toArray(EtcdServer[]::new));

		assertThat(this.cluster.leader().isRunning()).isTrue();
		assertThat(this.cluster.member(2).etcdctl("get", "/crash/k", "--print-value-only")).isEqualTo("v\n");
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
