package io.github.etcddiscovery.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contexts read, most specific first, as Spring Cloud Consul reads them.
 */
class EtcdConfigContextsTest {

	@Test
	void applicationThenDefaultContextEachWithItsProfilesFirst() {
		assertThat(EtcdConfigContexts.of(new EtcdConfigProperties(), "orders", List.of("dev")))
			.containsExactly("/config/orders,dev/", "/config/orders/", "/config/application,dev/",
					"/config/application/");
	}

	@Test
	void theLastProfileWins() {
		assertThat(EtcdConfigContexts.of(new EtcdConfigProperties(), "orders", List.of("dev", "eu")))
			.containsExactly("/config/orders,eu/", "/config/orders,dev/", "/config/orders/",
					"/config/application,eu/", "/config/application,dev/", "/config/application/");
	}

	@Test
	void prefixSeparatorAndDefaultContextAreSettings() {
		EtcdConfigProperties properties = new EtcdConfigProperties();
		properties.setPrefix("/team-a/cfg/");
		properties.setProfileSeparator("::");
		properties.setDefaultContext("shared");

		assertThat(EtcdConfigContexts.of(properties, "orders", List.of("prod")))
			.containsExactly("/team-a/cfg/orders::prod/", "/team-a/cfg/orders/", "/team-a/cfg/shared::prod/",
					"/team-a/cfg/shared/");
	}

	@Test
	void withoutAnApplicationNameOnlyTheDefaultContext() {
		assertThat(EtcdConfigContexts.of(new EtcdConfigProperties(), null, List.of()))
			.containsExactly("/config/application/");
	}

}
