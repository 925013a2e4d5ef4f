package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Name and loopback ports of one etcd member. Kept separate from the process so that a
 * cluster can hand out every member's peer URL before any member is launched.
 *
 * @param name the member name ({@code --name})
 * @param clientPort port of the client URL
 * @param peerPort port of the peer URL
 * @param metricsPort port of the plain-HTTP metrics URL, which also serves {@code /health}
 */
public record EtcdMember(String name, int clientPort, int peerPort, int metricsPort) {

	private static final String HOST = "127.0.0.1";

	/** One member on freshly picked free loopback ports. */
	public static EtcdMember withFreePorts(String name) {
		return withFreePorts(List.of(name)).get(0);
	}

	/** Several members whose ports are all distinct from each other. */
	public static List<EtcdMember> withFreePorts(List<String> names) {
		int[] ports = freePorts(names.size() * 3);
		List<EtcdMember> members = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			members.add(new EtcdMember(names.get(i), ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]));
		}
		return members;
	}

	/** The {@code --initial-cluster} value for the given members. */
	public static String initialCluster(List<EtcdMember> members) {
		return members.stream().map(EtcdMember::initialClusterEntry).collect(Collectors.joining(","));
	}

	public String clientUrl(String scheme) {
		return scheme + "://" + HOST + ":" + this.clientPort;
	}

	public String peerUrl() {
		return "http://" + HOST + ":" + this.peerPort;
	}

	public String metricsUrl() {
		return "http://" + HOST + ":" + this.metricsPort;
	}

	public String initialClusterEntry() {
		return this.name + "=" + peerUrl();
	}

	/**
	 * Asks the kernel for free ports. All sockets stay open until every port is known so
	 * that one call never hands out the same port twice; another process can still grab a
	 * port before etcd binds it, which is why starting retries on a bind failure.
	 */
	private static int[] freePorts(int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			int[] ports = new int[count];
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
				sockets.add(socket);
				ports[i] = socket.getLocalPort();
			}
			return ports;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not pick free loopback ports", ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ignored) {
					// Closing an unconnected listener does not fail in practice; nothing to recover.
				}
			}
		}
	}

}
