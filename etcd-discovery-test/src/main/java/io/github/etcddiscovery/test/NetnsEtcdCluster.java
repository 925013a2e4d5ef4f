package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A three-member (or larger) etcd cluster whose members run inside leaf namespaces of a
 * {@link NetworkNamespaces}, on their private addresses, so that a test can cut one off from
 * its peers while clients still reach it. etcdctl runs in the router namespace, which reaches
 * every member.
 * <p>
 * Elections are fast ({@value #HEARTBEAT_MS} ms heartbeat, {@value #ELECTION_MS} ms election
 * timeout) to keep partition tests short, and pre-vote is on (etcd 3.5's default): a member
 * that was cut off rejoins without forcing a new election.
 */
public final class NetnsEtcdCluster implements AutoCloseable {

	public static final int HEARTBEAT_MS = 25;

	public static final int ELECTION_MS = 250;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final NetworkNamespaces network;

	private final List<String> leaves;

	private final Path dir;

	private final Path etcdctl;

	private final List<Process> members = new ArrayList<>();

	private NetnsEtcdCluster(NetworkNamespaces network, List<String> leaves, Path dir, Path etcdctl) {
		this.network = network;
		this.leaves = List.copyOf(leaves);
		this.dir = dir;
		this.etcdctl = etcdctl;
	}

	/** Starts one member in each of the given leaves and waits until they have a leader. */
	public static NetnsEtcdCluster start(NetworkNamespaces network, List<String> leaves) {
		return start(network, leaves, HEARTBEAT_MS, ELECTION_MS);
	}

	/** The same with other election timings, e.g. etcd's defaults (100 ms, 1000 ms). */
	public static NetnsEtcdCluster start(NetworkNamespaces network, List<String> leaves, int heartbeatMs,
			int electionMs) {
		Path etcd = EtcdBinaries.etcd().orElseThrow(() -> new IllegalStateException(EtcdBinaries.NOT_FOUND));
		Path etcdctl = EtcdBinaries.etcdctl(etcd).orElseThrow(() -> new IllegalStateException("No etcdctl found"));
		Path dir;
		try {
			dir = Files.createTempDirectory("etcd-netns-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ProcessReaper.register(dir);
		NetnsEtcdCluster cluster = new NetnsEtcdCluster(network, leaves, dir, etcdctl);
		String initialCluster = leaves.stream()
			.map((leaf) -> leaf + "=http://" + network.address(leaf) + ":2380")
			.collect(Collectors.joining(","));
		String token = "netns-" + UUID.randomUUID();
		for (String leaf : leaves) {
			String address = network.address(leaf);
			cluster.members.add(network.start(network.namespace(leaf),
					List.of(etcd.toString(), "--name=" + leaf, "--data-dir=" + dir.resolve(leaf + "-data"),
							"--listen-client-urls=http://" + address + ":2379",
							"--advertise-client-urls=http://" + address + ":2379",
							"--listen-peer-urls=http://" + address + ":2380",
							"--initial-advertise-peer-urls=http://" + address + ":2380",
							"--initial-cluster=" + initialCluster, "--initial-cluster-token=" + token,
							"--initial-cluster-state=new", "--heartbeat-interval=" + heartbeatMs,
							"--election-timeout=" + electionMs, "--pre-vote", "--logger=zap", "--log-outputs=stderr",
							"--log-level=warn"),
					dir.resolve(leaf + ".log")));
		}
		Awaitility.await("etcd members in " + leaves + " agree on a leader")
			.atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> cluster.agreedLeader(leaves).isPresent());
		return cluster;
	}

	public String endpoint(String leaf) {
		return "http://" + this.network.address(leaf) + ":2379";
	}

	public List<String> endpoints() {
		return this.leaves.stream().map(this::endpoint).toList();
	}

	public List<String> leaves() {
		return this.leaves;
	}

	/** The leader that all of {@code among} agree on, waiting for an election if needed. */
	public String leader(List<String> among) {
		return Awaitility.await("a leader agreed by " + among)
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> agreedLeader(among), Optional::isPresent)
			.get();
	}

	/** Whether the member knows a leader (a member cut off from its peers loses it). */
	public boolean hasLeader(String leaf) {
		try {
			return knownLeader(status(leaf)) != null;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** etcdctl through one member, run in the router namespace. */
	public String etcdctl(String leaf, String... args) {
		List<String> command = new ArrayList<>(List.of("env", "ETCDCTL_API=3", this.etcdctl.toString(),
				"--endpoints=" + endpoint(leaf), "--command-timeout=2s"));
		command.addAll(List.of(args));
		return this.network.inside(this.network.router(), command.toArray(String[]::new));
	}

	/** The keys under a prefix, read through one member. */
	public List<String> keys(String leaf, String prefix) {
		return etcdctl(leaf, "get", "--prefix", "--keys-only", prefix).lines().filter((l) -> !l.isBlank()).toList();
	}

	/** A long-running etcdctl (e.g. a watch) through one member, its output piped to us. */
	public Process startEtcdctl(String leaf, String... args) {
		List<String> command = new ArrayList<>(List.of("env", "ETCDCTL_API=3", this.etcdctl.toString(),
				"--endpoints=" + endpoint(leaf)));
		command.addAll(List.of(args));
		return this.network.start(this.network.router(), command, null);
	}

	public Path dir() {
		return this.dir;
	}

	private JsonNode status(String leaf) {
		return JSON.readTree(etcdctl(leaf, "endpoint", "status", "-w", "json")).path(0).path("Status");
	}

	/** etcdctl leaves out a zero leader and reports "no leader" as an error instead. */
	private static @Nullable String knownLeader(JsonNode status) {
		String leader = status.path("leader").asString("");
		return (leader.isEmpty() || leader.equals("0")) ? null : leader;
	}

	private Optional<String> agreedLeader(List<String> among) {
		String leaderId = null;
		String leader = null;
		for (String leaf : among) {
			JsonNode status = status(leaf);
			String reported = knownLeader(status);
			if (reported == null || (leaderId != null && !leaderId.equals(reported))) {
				return Optional.empty();
			}
			leaderId = reported;
			if (reported.equals(status.path("header").path("member_id").asString())) {
				leader = leaf;
			}
		}
		return Optional.ofNullable(leader);
	}

	@Override
	public void close() {
		for (Process member : this.members) {
			member.destroyForcibly();
			try {
				member.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		ProcessReaper.deleteRecursively(this.dir);
		ProcessReaper.unregister(this.dir);
	}

}
