package io.github.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorEntry;
import io.github.etcddiscovery.mirror.MirrorEvent;
import io.github.etcddiscovery.testapp.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The view's rules with keys handed in as a mirror would hand them, in milliseconds:
 * decoding, bad keys, the index, snapshots, listeners and observers. Against a real etcd:
 * {@code DiscoveryIntegrationTest}, {@code BadDataIntegrationTest}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceViewTest {

	private final ServiceView view = new ServiceView(new EtcdInstanceCodec("/services"));

	private final List<Set<String>> told = new ArrayList<>();

	private final List<String> observed = new ArrayList<>();

	ServiceViewTest() {
		this.view.addListener(this.told::add);
		this.view.addObserver(new EtcdViewObserver() {

			@Override
			public void listed(long revision) {
				ServiceViewTest.this.observed.add("listed@" + revision);
			}

			@Override
			public void eventsApplied(int events, long etcdRevision) {
				ServiceViewTest.this.observed.add(events + " events@" + etcdRevision);
			}

			@Override
			public void driftChecked(long etcdRevision, boolean drifted) {
				ServiceViewTest.this.observed.add("checked@" + etcdRevision + " " + drifted);
			}

		});
	}

	@Test
	void aListingIsIndexedByServiceIgnoringCaseInKeyOrder() {
		this.view.replaced(3, List.of(entry("/services/Order/b", "127.0.0.1:1002"),
				entry("/services/Order/a", "127.0.0.1:1001"), entry("/services/billing/x", "127.0.0.1:2001")));

		assertThat(this.view.instances("ORDER")).extracting(EtcdServiceInstance::getInstanceId).containsExactly("a", "b");
		assertThat(this.view.services()).containsExactlyInAnyOrder("Order", "billing");
		assertThat(this.told).containsExactly(Set.of("order", "billing"));
		assertThat(this.observed).containsExactly("listed@3");
		assertThat(this.view.keyCount()).isEqualTo(3);
	}

	@Test
	void aLookupFindsAServiceByItsIdAsRegisteredOrInAnyOtherCaseAndForgetsOldIds() {
		this.view.replaced(1, List.of(entry("/services/Order/a", "127.0.0.1:1001")));
		ServiceInstances order = this.view.lookup("Order");

		assertThat(order.serviceId()).isEqualTo("Order");
		assertThat(this.view.lookup("order")).isSameAs(order);
		assertThat(this.view.lookup("ORDER")).isSameAs(order);
		assertThat(this.view.lookup("billing")).isSameAs(ServiceInstances.NONE);

		// The same service registered again under another casing only: the old id is gone.
		this.view.changed(2, 2, List.of(put("/services/ORDER/b", "127.0.0.1:1002"), delete("/services/Order/a")));
		assertThat(this.view.services()).containsExactly("ORDER");
		assertThat(this.view.lookup("Order").all()).extracting(EtcdServiceInstance::getInstanceId).containsExactly("b");
		assertThat(this.view.lookup("ORDER")).isSameAs(this.view.lookup("order"));

		this.view.changed(3, 3, List.of(delete("/services/ORDER/b")));
		assertThat(this.view.lookup("ORDER")).isSameAs(ServiceInstances.NONE);
		assertThat(this.view.lookup("order")).isSameAs(ServiceInstances.NONE);
	}

	@Test
	void eventsChangeOnlyTheServicesTheyTouchAndOthersKeepTheirSnapshot() {
		this.view.replaced(2, List.of(entry("/services/order/a", "127.0.0.1:1001"),
				entry("/services/billing/x", "127.0.0.1:2001")));
		List<EtcdServiceInstance> billing = this.view.instances("billing");
		List<EtcdServiceInstance> order = this.view.instances("order");

		this.view.changed(3, 3, List.of(put("/services/order/b", "127.0.0.1:1002")));

		assertThat(this.view.instances("billing")).isSameAs(billing);
		assertThat(this.view.instances("order")).isNotSameAs(order)
			.extracting(EtcdServiceInstance::getInstanceId)
			.containsExactly("a", "b");
		assertThat(order).hasSize(1);
		assertThat(this.told).last().isEqualTo(Set.of("order"));
	}

	@Test
	void aPutOfTheSameInstanceTellsNobodyAndADeletionOfTheLastInstanceRemovesTheService() {
		this.view.replaced(1, List.of(entry("/services/order/a", "127.0.0.1:1001")));

		this.view.changed(2, 2, List.of(put("/services/order/a", "127.0.0.1:1001")));
		assertThat(this.told).hasSize(1);

		this.view.changed(3, 5, List.of(delete("/services/order/a")));
		assertThat(this.view.instances("order")).isEmpty();
		assertThat(this.view.services()).isEmpty();
		assertThat(this.told).last().isEqualTo(Set.of("order"));
		assertThat(this.observed).containsExactly("listed@1", "1 events@2", "1 events@5");
		assertThat(this.view.keyCount()).isZero();
	}

	@Test
	void aListingReplacesTheViewTellingOnlyTheServicesThatDiffer() {
		this.view.replaced(1, List.of(entry("/services/order/a", "127.0.0.1:1001"),
				entry("/services/billing/x", "127.0.0.1:2001"), entry("/services/stock/s", "127.0.0.1:3001")));

		this.view.replaced(9, List.of(entry("/services/order/a", "127.0.0.1:1001"),
				entry("/services/billing/x", "127.0.0.1:2002"), entry("/services/audit/z", "127.0.0.1:4001")));

		assertThat(this.told).last().isEqualTo(Set.of("billing", "stock", "audit"));
		assertThat(this.view.services()).containsExactlyInAnyOrder("order", "billing", "audit");
		assertThat(this.view.instances("billing").get(0).getPort()).isEqualTo(2002);
	}

	@Test
	void badKeysAreSkippedWithOneWarningAndStillCountedUntilTheyAreGone(CapturedOutput output) {
		this.view.replaced(1, List.of(entry("/services/order/a", "127.0.0.1:1001"), entry("/services/order/bad", "garbage"),
				entry("/services/order", "127.0.0.1:1")));
		this.view.changed(2, 2, List.of(put("/services/order/bad", "still garbage")));
		this.view.replaced(2, List.of(entry("/services/order/a", "127.0.0.1:1001"),
				entry("/services/order/bad", "still garbage"), entry("/services/order", "127.0.0.1:1")));

		assertThat(this.view.instances("order")).extracting(EtcdServiceInstance::getInstanceId).containsExactly("a");
		assertThat(this.view.keyCount()).isEqualTo(3);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '/services/order/bad'")).isEqualTo(1);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '/services/order'")).isEqualTo(1);

		this.view.changed(3, 3, List.of(put("/services/order/bad", "127.0.0.1:1003")));
		this.view.replaced(4, List.of(entry("/services/order/a", "127.0.0.1:1001"),
				entry("/services/order/bad", "127.0.0.1:1003")));
		assertThat(this.view.keyCount()).isEqualTo(2);
		this.view.changed(5, 5, List.of(put("/services/order/bad", "garbage again"), delete("/services/order/a")));
		assertThat(this.view.keyCount()).isEqualTo(1);
		assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '/services/order/bad'")).isEqualTo(2);
		this.view.changed(6, 6, List.of(delete("/services/order/bad")));
		assertThat(this.view.keyCount()).isZero();
	}

	@Test
	void aListenerThatFailsDoesNotKeepTheOthersFromHearing() {
		this.view.addListener(services -> {
			throw new IllegalStateException("boom");
		});
		List<Set<String>> later = new ArrayList<>();
		this.view.addListener(later::add);

		this.view.replaced(1, List.of(entry("/services/order/a", "127.0.0.1:1001")));

		assertThat(later).containsExactly(Set.of("order"));
	}

	@Test
	void driftChecksAreForwardedToObservers() {
		this.view.driftChecked(7, true);

		assertThat(this.observed).containsExactly("checked@7 true");
	}

	private static MirrorEntry entry(String key, String value) {
		return new MirrorEntry(key, value.getBytes(StandardCharsets.UTF_8), 1);
	}

	private static MirrorEvent put(String key, String value) {
		return new MirrorEvent(MirrorEvent.Type.PUT, entry(key, value));
	}

	private static MirrorEvent delete(String key) {
		return new MirrorEvent(MirrorEvent.Type.DELETE, new MirrorEntry(key, new byte[0], 1));
	}

}
