package io.github.etcddiscovery.discovery;

import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memo answers from the snapshot it is given, computing once per snapshot: pure logic,
 * proven fast here; the status filtering against real etcd is in {@code StatusIntegrationTest}.
 */
class InstanceListMemoTest {

	private final InstanceListMemo memo = new InstanceListMemo();

	@Test
	void sameSnapshotGivesTheSameAnswerWithoutRecomputing() {
		List<EtcdServiceInstance> snapshot = List.of(instance("a", "UP"), instance("b", "UP"));

		List<ServiceInstance> first = this.memo.answer("svc", snapshot, false);

		assertThat(first).extracting(ServiceInstance::getInstanceId).containsExactly("a", "b");
		assertThat(this.memo.answer("svc", snapshot, false)).isSameAs(first);
	}

	@Test
	void aNewSnapshotIsAnsweredFromItsOwnInstances() {
		this.memo.answer("svc", List.of(instance("a", "UP")), false);

		List<ServiceInstance> answer = this.memo.answer("svc", List.of(instance("a", "UP"), instance("c", "UP")), false);

		assertThat(answer).extracting(ServiceInstance::getInstanceId).containsExactly("a", "c");
	}

	@Test
	void instancesNotUpAreLeftOutUnlessIncluded() {
		List<EtcdServiceInstance> snapshot = List.of(instance("a", "UP"), instance("b", "OUT_OF_SERVICE"));

		assertThat(this.memo.answer("svc", snapshot, false)).extracting(ServiceInstance::getInstanceId)
			.containsExactly("a");
		assertThat(this.memo.answer("svc", snapshot, true)).extracting(ServiceInstance::getInstanceId)
			.containsExactly("a", "b");
		assertThat(this.memo.answer("svc", snapshot, false)).extracting(ServiceInstance::getInstanceId)
			.containsExactly("a");
	}

	@Test
	void answersCannotBeChangedByCallers() {
		List<ServiceInstance> answer = this.memo.answer("svc", List.of(instance("a", "UP")), false);

		org.assertj.core.api.Assertions.assertThatThrownBy(() -> answer.add(instance("x", "UP")))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	private static EtcdServiceInstance instance(String id, String status) {
		return new EtcdServiceInstance("svc", id, "127.0.0.1", 8080, false, status, Map.of());
	}

}
