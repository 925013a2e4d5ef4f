package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure logic of {@code release-unused-after}: the marks a use sets and a sweep clears,
 * and what a subscriber counts. The behaviour against etcd and real applications is proven by
 * {@link ServiceReleaseIntegrationTest}.
 */
class IdleReleaseTest {

	@Test
	void aMarkIsSetByUsesAndClearedByTheSweepThatSawIt() {
		UseMark mark = new UseMark();
		assertThat(mark.take()).as("new: counts as just used").isTrue();
		assertThat(mark.take()).isFalse();
		mark.touch();
		mark.touch();
		assertThat(mark.isSet()).isTrue();
		assertThat(mark.take()).isTrue();
		assertThat(mark.isSet()).isFalse();
	}

	@Test
	void aSubscriberKeepsTheServiceInUseUntilItLeavesAndEachSubscriptionIsAUse() {
		try (IdleRelease release = new IdleRelease(Duration.ofMinutes(10), List::of, (watch) -> {
		})) {
			ServiceWatch watch = new ServiceWatch("orders");
			ServiceUse use = release.use("orders");
			assertThat(release.use("orders")).as("shared by every supplier of the service").isSameAs(use);
			watch.use().take();
			use.use().take();
			assertThat(release.inUse(watch)).isFalse();

			use.subscribed();
			use.use().take();
			assertThat(release.inUse(watch)).as("subscribed").isTrue();
			use.unsubscribed();
			assertThat(release.inUse(watch)).isFalse();
			use.subscribed();
			use.unsubscribed();
			assertThat(release.inUse(watch)).as("subscribed since the last sweep").isTrue();

			assertThat(use.releases()).isZero();
			release.released(watch);
			assertThat(use.releases()).isOne();
		}
	}

	@Test
	void zeroNeverReleasesAndCountsNothing() {
		try (IdleRelease release = new IdleRelease(Duration.ZERO, List::of, (watch) -> {
		})) {
			assertThat(release.use("orders")).isSameAs(ServiceUse.NEVER_RELEASED);
		}
	}

}
