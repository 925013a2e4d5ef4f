package io.github.etcddiscovery.aot;

import java.lang.reflect.Field;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints cover what the reconnect watchdog really reflects on in the jetcd on the
 * classpath (found from a real client, so a jetcd upgrade that renames them fails here),
 * and Spring finds the registrar through {@code META-INF/spring/aot.factories}.
 */
class EtcdRuntimeHintsTest {

	@Test
	void hintsCoverTheJetcdMembersTheWatchdogAndTheWarmupReach() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.aot.hint.RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));

		try (Client client = Client.builder().endpoints("http://127.0.0.1:9").build()) {
			Field manager = client.getClass().getDeclaredField("connectionManager");
			assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(manager)).accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onMethodInvocation(manager.getType().getDeclaredMethod("getChannel"))).accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onMethodInvocation(manager.getType().getDeclaredMethod("vertx"))).accepts(hints);
		}
	}

}
