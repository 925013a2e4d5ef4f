package io.github.etcddiscovery.discovery;

import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service's ready answers, computed once when it is built: pure logic, proven fast here;
 * the status filtering against real etcd is in {@code StatusIntegrationTest}.
 */
class ServiceInstancesTest {

	@Test
	void whenEveryInstanceIsUpBothAnswersAreTheSameListInKeyOrder() {
		ServiceInstances answers = new ServiceInstances("svc", List.of(instance("a", "UP"), instance("b", "UP")));

		assertThat(answers.up()).extracting(ServiceInstance::getInstanceId).containsExactly("a", "b");
		assertThat(answers.answer(false)).isSameAs(answers.up()).isSameAs(answers.answer(true));
		assertThat(answers.answer(false)).isSameAs(answers.answer(false));
	}

	@Test
	void instancesNotUpAreLeftOutUnlessIncluded() {
		ServiceInstances answers = new ServiceInstances("svc",
				List.of(instance("a", "UP"), instance("b", "OUT_OF_SERVICE")));

		assertThat(answers.answer(false)).extracting(ServiceInstance::getInstanceId).containsExactly("a");
		assertThat(answers.answer(true)).extracting(ServiceInstance::getInstanceId).containsExactly("a", "b");
		assertThat(answers.all()).extracting(ServiceInstance::getInstanceId).containsExactly("a", "b");
		assertThat(answers.isEmpty()).isFalse();
	}

	@Test
	void answersCannotBeChangedByCallers() {
		ServiceInstances answers = new ServiceInstances("svc",
				List.of(instance("a", "UP"), instance("b", "OUT_OF_SERVICE")));

		assertThatThrownBy(() -> answers.answer(false).add(instance("x", "UP")))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> answers.answer(true).add(instance("x", "UP")))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void noInstancesAnswerEmpty() {
		assertThat(ServiceInstances.NONE.isEmpty()).isTrue();
		assertThat(ServiceInstances.NONE.answer(false)).isEmpty();
		assertThat(ServiceInstances.NONE.answer(true)).isEmpty();
	}

	private static EtcdServiceInstance instance(String id, String status) {
		return new EtcdServiceInstance("svc", id, "127.0.0.1", 8080, false, status, Map.of());
	}

}
