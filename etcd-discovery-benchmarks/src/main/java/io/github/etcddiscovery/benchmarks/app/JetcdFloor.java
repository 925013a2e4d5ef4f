package io.github.etcddiscovery.benchmarks.app;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

/**
 * The floor of the startup figure: a JVM that only builds a jetcd client and makes one get,
 * then prints {@link BenchApp#READY}; with no argument it prints it at once (an empty main).
 * The difference between the two is what reaching etcd costs a process at all (the classes
 * of jetcd, gRPC, Netty and protobuf, the channel and its first connection), which no
 * starter built on jetcd can go below.
 */
public final class JetcdFloor {

	private JetcdFloor() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0) {
			try (Client client = Client.builder().endpoints(args[0]).build()) {
				client.getKVClient().get(ByteSequence.from("/bench-floor", StandardCharsets.UTF_8)).get();
				System.out.println(BenchApp.READY);
			}
		}
		else {
			System.out.println(BenchApp.READY);
		}
		System.exit(0);
	}

}
