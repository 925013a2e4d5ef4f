package io.github.etcddiscovery.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A multi-member etcd cluster of local processes on loopback, for failover tests. Needs
 * the etcd binary (Docker cannot stand in).
 *
 * <p>Members are ordinary {@link EtcdServer}s: kill, pause or restart them directly. A
 * member restarted on its own rejoins as long as the others still have quorum; after a
 * quorum loss use {@link #restartTogether(EtcdServer...)}.
 */
public final class EtcdCluster implements AutoCloseable {

	private static final int START_ATTEMPTS = 3;

	private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(15);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<EtcdProcess> members;

	private EtcdCluster(List<EtcdProcess> members) {
		this.members = List.copyOf(members);
	}

	public static EtcdCluster start(int size, String... extraArgs) {
		for (int attempt = 1;; attempt++) {
			List<EtcdProcess> members = create(size, extraArgs);
			try {
				// Launch everyone before waiting: no member is healthy until a quorum is up.
				members.forEach(EtcdProcess::launch);
				members.forEach(EtcdProcess::awaitHealthy);
				return new EtcdCluster(members);
			}
			catch (RuntimeException ex) {
				members.forEach(EtcdProcess::close);
				boolean retry = ex instanceof EtcdStartException startFailure && startFailure.isPortConflict();
				if (!retry || attempt == START_ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private static List<EtcdProcess> create(int size, String... extraArgs) {
		if (size < 1) {
			throw new IllegalArgumentException("A cluster needs at least one member");
		}
		List<EtcdMember> specs = EtcdMember
			.withFreePorts(IntStream.range(0, size).mapToObj((i) -> "member-" + i).toList());
		String initialCluster = EtcdMember.initialCluster(specs);
		String token = "etcd-cluster-" + UUID.randomUUID();
		List<EtcdProcess> members = new ArrayList<>();
		for (EtcdMember spec : specs) {
			members.add(EtcdServer.builder()
				.member(spec)
				.initialCluster(initialCluster)
				.initialClusterToken(token)
				.extraArgs(extraArgs)
				.buildProcess());
		}
		return members;
	}

	public List<EtcdServer> members() {
		return List.copyOf(this.members);
	}

	public EtcdServer member(int index) {
		return this.members.get(index);
	}

	/** Every member's client URL, including stopped ones, as a client would be configured. */
	public List<String> clientEndpoints() {
		return this.members.stream().map(EtcdServer::clientEndpoint).toList();
	}

	/** The client URLs of every member but {@code member}: a client that does not know it. */
	public List<String> clientEndpointsExcept(EtcdServer member) {
		return this.members.stream().filter(m -> m != member).map(EtcdServer::clientEndpoint).toList();
	}

	/** Waits until all running, unpaused members agree on a leader, and returns it. */
	public EtcdServer leader() {
		return Awaitility.await("leader of " + clientEndpoints())
			.atMost(LEADER_TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.until(this::agreedLeader, Optional::isPresent)
			.get();
	}

	/** The running, unpaused members other than the {@link #leader()}. */
	public List<EtcdServer> followers() {
		EtcdServer leader = leader();
		return this.members.stream()
			.filter((member) -> member != leader && member.isRunning() && !member.isPaused())
			.map(EtcdServer.class::cast)
			.toList();
	}

	/** Restarts several stopped members at once, e.g. to recover from a lost quorum. */
	public void restartTogether(EtcdServer... stopped) {
		List<EtcdProcess> processes = new ArrayList<>();
		for (EtcdServer member : stopped) {
			EtcdProcess process = this.members.stream()
				.filter((candidate) -> candidate == member)
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(member + " is not a member of this cluster"));
			process.stop();
			processes.add(process);
		}
		processes.forEach(EtcdProcess::launch);
		processes.forEach(EtcdProcess::awaitHealthy);
	}

	@Override
	public void close() {
		this.members.forEach(EtcdProcess::close);
	}

	private Optional<EtcdServer> agreedLeader() {
		Set<String> reportedLeaders = new HashSet<>();
		EtcdServer leader = null;
		for (EtcdProcess member : this.members) {
			if (!member.isRunning() || member.isPaused()) {
				continue;
			}
			JsonNode status;
			try {
				status = JSON.readTree(member.etcdctl("endpoint", "status", "-w", "json", "--command-timeout=1s"))
					.path(0)
					.path("Status");
			}
			catch (RuntimeException ex) {
				// Unreachable during an election or just after a restart; ask again next poll.
				return Optional.empty();
			}
			String leaderId = status.path("leader").asString();
			reportedLeaders.add(leaderId);
			if (leaderId.equals(status.path("header").path("member_id").asString())) {
				leader = member;
			}
		}
		// A member that has not yet heard of a new term still names the old leader.
		return (reportedLeaders.size() == 1 && leader != null) ? Optional.of(leader) : Optional.empty();
	}

}
