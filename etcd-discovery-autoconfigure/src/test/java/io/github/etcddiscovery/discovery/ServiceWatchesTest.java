package io.github.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorEntry;
import io.github.etcddiscovery.mirror.MirrorSettings;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;
import io.github.etcddiscovery.mirror.PrefixSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure logic of {@code watch=per-service}: how the states of several mirrors read as one,
 * and how the spellings of one service id read as one service. The behaviour against etcd is
 * proven by {@link PerServiceWatchIntegrationTest}.
 */
class ServiceWatchesTest {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void noMirrorIsConfirmedSinceNothingNeedsFollowing() {
		MirrorState none = MirrorStates.aggregate(List.of());
		assertThat(none.confirmed()).isTrue();
		assertThat(none.revision()).isZero();
		assertThat(none.notConfirmedSince()).isNull();
	}

	@Test
	void confirmedOnlyIfEveryMirrorIsWithTheOldestEpisodeAndTheLatestRevision() {
		MirrorState fine = new MirrorState(40, true, null, null, null, T0.plusSeconds(5), 1, 0);
		MirrorState lostFirst = new MirrorState(30, false, T0, "no leader", "boom", T0.plusSeconds(1), 2, 3);
		MirrorState lostLater = new MirrorState(35, false, T0.plusSeconds(2), "watch ended", null, null, 1, 1);

		MirrorState all = MirrorStates.aggregate(List.of(fine, lostLater, lostFirst));

		assertThat(all.confirmed()).isFalse();
		assertThat(all.notConfirmedSince()).isEqualTo(T0);
		assertThat(all.notConfirmedReason()).isEqualTo("no leader");
		assertThat(all.lastError()).isEqualTo("boom");
		assertThat(all.revision()).isEqualTo(40);
		assertThat(all.lastListed()).isEqualTo(T0.plusSeconds(5));
		assertThat(all.failedListings()).isEqualTo(3);
		assertThat(MirrorStates.aggregate(List.of(fine, fine)).confirmed()).isTrue();
	}

	@Test
	void oneSpellingIsReadWithoutCopyingAndSeveralTogether() {
		EtcdInstanceCodec codec = new EtcdInstanceCodec("/services");
		ServiceWatch watch = new ServiceWatch("orders");
		ServiceWatch.Part lower = part(codec, "orders");
		lower.view().replaced(1, List.of(entry("/services/orders/a", "127.0.0.1:1001")));
		watch.add(lower);
		assertThat(watch.instances()).isSameAs(lower.view().instances("orders"));

		ServiceWatch.Part upper = part(codec, "Orders");
		upper.view().replaced(2, List.of(entry("/services/Orders/b", "127.0.0.1:1002")));
		watch.add(upper);
		assertThat(watch.has("Orders")).isTrue();
		assertThat(watch.instances()).extracting(EtcdServiceInstance::getPort).containsExactly(1001, 1002);
		watch.close();
	}

	@Test
	void aSpellingsPrefixEndsWithASlashSoThatNoOtherServiceShareIt() {
		assertThat(ServiceWatches.prefixOf("/services/", "orders")).isEqualTo("/services/orders/");
	}

	private static ServiceWatch.Part part(EtcdInstanceCodec codec, String spelling) {
		ServiceView view = new ServiceView(codec);
		PrefixMirror mirror = new PrefixMirror(new NeverAsked("/services/" + spelling + "/"), view,
				new MirrorSettings("test", "test-", Duration.ofHours(1)));
		return new ServiceWatch.Part(spelling, mirror, view);
	}

	private static MirrorEntry entry(String key, String value) {
		return new MirrorEntry(key, value.getBytes(StandardCharsets.UTF_8), 1);
	}

	/** A source for mirrors that are never started. */
	private record NeverAsked(String prefix) implements PrefixSource {

		@Override
		public Page listPage(byte[] from, long revision) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Probe changedAfter(long revision) {
			throw new UnsupportedOperationException();
		}

		@Override
		public long countAt(long revision) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Watching watch(long fromRevision, WatchHandler handler) {
			throw new UnsupportedOperationException();
		}

	}

}
