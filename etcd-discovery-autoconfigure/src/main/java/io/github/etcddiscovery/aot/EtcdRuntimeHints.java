package io.github.etcddiscovery.aot;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What a GraalVM native image must keep for the starter beyond what Spring AOT derives from
 * the bean definitions: the jetcd internals that the reconnect watchdog and the client
 * warm-up reach by reflection (the client's connection manager, its gRPC channel and its
 * Vert.x instance). The instance codec needs nothing: it reads and writes JSON trees and
 * maps, not bound classes.
 */
public class EtcdRuntimeHints implements RuntimeHintsRegistrar {

	static final String CLIENT_IMPL = "io.etcd.jetcd.impl.ClientImpl";

	static final String CONNECTION_MANAGER = "io.etcd.jetcd.impl.ClientConnectionManager";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(CLIENT_IMPL),
					(type) -> type.withField("connectionManager"))
			.registerType(TypeReference.of(CONNECTION_MANAGER), (type) -> type
				.withMethod("getChannel", java.util.List.of(), ExecutableMode.INVOKE)
				.withMethod("vertx", java.util.List.of(), ExecutableMode.INVOKE)
				.withMembers(MemberCategory.INVOKE_DECLARED_METHODS));
	}

}
