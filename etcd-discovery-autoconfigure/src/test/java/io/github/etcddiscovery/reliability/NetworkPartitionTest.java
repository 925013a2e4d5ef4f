package io.github.etcddiscovery.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.etcddiscovery.test.KeyPresenceWatch;
import io.github.etcddiscovery.test.NetnsApp;
import io.github.etcddiscovery.test.NetnsEtcdCluster;
import io.github.etcddiscovery.test.NetworkNamespaces;
import io.github.etcddiscovery.testapp.partition.ViewProbeApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Network partitions of a three-member etcd cluster, made with network namespaces: one
 * member is cut off from its two peers while applications still reach it. Members and
 * applications run inside namespaces this test creates (see {@link NetworkNamespaces}); the
 * test reads the applications' health and view with curl from inside their namespace, and
 * etcd through a member that keeps its quorum.
 */
class NetworkPartitionTest {

	private static final String PREFIX = "/services";

	private static final List<String> MEMBERS = List.of("m0", "m1", "m2");

	private static final Duration ELECTION = Duration.ofMillis(NetnsEtcdCluster.ELECTION_MS);

	private static final Duration TTL = Duration.ofSeconds(3);

	/** The key of the application named "orders" (its instance id is its name). */
	private static final String KEY = "/services/orders/orders";

	private static final String LOST = "is not confirmed by an etcd member with a leader";

	private static final String RECOVERED = "follows etcd again";

	private NetworkNamespaces network;

	private NetnsEtcdCluster cluster;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void needsNamespacesAndEtcd() {
		Observed.assumeLocalEtcdBinary();
		Optional<String> unavailable = NetworkNamespaces.unavailableReason();
		if (unavailable.isPresent()) {
			System.out.println("[partition] SKIPPED: " + unavailable.get());
		}
		assumeTrue(unavailable.isEmpty(), () -> "Partition tests need network namespaces: " + unavailable.get());
	}

	@AfterEach
	void tearDown() {
		// Applications and watches first, then etcd, then the namespaces they ran in.
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			try {
				this.closeables.get(i).close();
			}
			catch (Exception ex) {
				// Keep closing the rest.
			}
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		if (this.network != null) {
			this.network.close();
		}
	}

	/**
	 * Scenario 1: the application's only endpoint is the cut-off member. Health says the view
	 * is not confirmed, and since when, while the last view is served; exact soon after healing.
	 */
	@Test
	void anApplicationWhoseOnlyEndpointIsCutOffSaysSoServesItsLastViewAndIsExactAfterHealing() throws Exception {
		start("app");
		String leader = this.cluster.leader(MEMBERS);
		String cut = followers(leader).get(0);
		putInstance(leader, "billing", "billing-old");
		putInstance(leader, "billing", "billing-keep");
		NetnsApp app = app("app", "watcher", List.of(this.cluster.endpoint(cut)), false);
		await().atMost(Duration.ofSeconds(20)).until(() -> view(app).equals(etcdView(leader)));
		Map<String, List<String>> before = view(app);

		long cutAt = System.currentTimeMillis();
		this.network.cutOff(cut, others(cut));
		putInstance(leader, "billing", "billing-new");
		this.cluster.etcdctl(leader, "del", PREFIX + "/billing/billing-old");

		JsonNode discovery = await().atMost(Duration.ofSeconds(20))
			.until(() -> app.json("/actuator/health/etcd").path("details").path("discovery"),
					(d) -> d.path("watching").isBoolean() && !d.path("watching").asBoolean());
		Duration noticed = Duration.between(Instant.ofEpochMilli(cutAt),
				Instant.parse(discovery.path("notConfirmedSince").asString()));
		report("scenario 1, only endpoint cut off: health says the view is not confirmed after", noticed);
		assertThat(noticed).isLessThanOrEqualTo(ELECTION.plusSeconds(2));
		assertThat(discovery.path("view").asString()).contains("serving the last known instances");
		assertThat(view(app)).as("the last known view is served").isEqualTo(before);
		assertThat(this.cluster.hasLeader(cut)).isFalse();

		long healedAt = System.currentTimeMillis();
		this.network.heal(cut);
		Map<String, List<String>> truth = etcdView(leader);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view(app).equals(truth) && app.json("/actuator/health/etcd").path("status").asString().equals("UP"));
		Duration exact = Duration.ofMillis(changedAt(app) - healedAt);
		report("scenario 1, only endpoint cut off: view exact after healing", exact);
		assertThat(exact).isLessThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(app.linesContaining(LOST)).as("one WARN when the view stops being confirmed").isEqualTo(1);
		assertThat(app.linesContaining(RECOVERED)).as("one WARN when it is confirmed again").isEqualTo(1);
	}

	/**
	 * Scenarios 2 and 4: all three endpoints, but the watches and the keep-alive opened on the
	 * member that is then cut off (it was the only one the application reached while it
	 * started). They move to the healthy members; the registration stays; healing is exact.
	 */
	@Test
	void streamsOnTheCutOffMemberMoveToHealthyMembersAndTheRegistrationStays() throws Exception {
		StreamsOnAFollower setup = streamsOnAFollower(NetnsEtcdCluster.HEARTBEAT_MS, NetnsEtcdCluster.ELECTION_MS);
		this.network.cutOff(setup.cut(), others(setup.cut()));
		followsAndStaysRegistered("scenario 2, streams on the cut-off member", setup.app(), setup.healthy(),
				setup.presence(), ELECTION.plusSeconds(2));
		healAndAwaitExact("scenario 4, heal after scenario 2", setup.cut(), setup.healthy(), setup.app());
	}

	/**
	 * Scenario 2 with etcd's default election timings (1 s): the cut-off member holds the
	 * keep-alive stream for longer than the 3 s TTL before it ends it (about four election
	 * timeouts after it lost its leader), so the lease lives only because renewals go through
	 * another member meanwhile. The view follows once etcd ends the watch, which takes those
	 * four or five election timeouts.
	 */
	@Test
	void withEtcdsDefaultElectionTimeoutTheLeaseIsRenewedThroughAnotherMemberWhileTheStreamStalls()
			throws Exception {
		StreamsOnAFollower setup = streamsOnAFollower(100, 1000);
		this.network.cutOff(setup.cut(), others(setup.cut()));
		followsAndStaysRegistered("default election timeout (1 s), streams on the cut-off member", setup.app(),
				setup.healthy(), setup.presence(), Duration.ofSeconds(5 + 2));
		healAndAwaitExact("default election timeout (1 s), heal", setup.cut(), setup.healthy(), setup.app());
	}

	/**
	 * Scenarios 3 and 4: the leader is cut off, with the application's streams on it. The
	 * others elect a new one; the view follows them, the registration stays, and healing is
	 * exact.
	 */
	@Test
	void whenTheLeaderIsCutOffTheViewFollowsTheNewLeaderAndTheRegistrationStays() throws Exception {
		start("app");
		String leader = this.cluster.leader(MEMBERS);
		String follower = followers(leader).get(0);
		putInstance(leader, "billing", "billing-old");
		NetnsApp app = appWithStreamsOn(leader, leader);
		KeyPresenceWatch presence = watchKey(follower, KEY);

		long cutAt = System.nanoTime();
		this.network.cutOff(leader, others(leader));
		String newLeader = this.cluster.leader(followers(leader));
		report("scenario 3, leader cut off: new leader elected after", Duration.ofNanos(System.nanoTime() - cutAt));
		followsAndStaysRegistered("scenario 3, leader cut off", app, newLeader, presence, ELECTION.plusSeconds(2));
		healAndAwaitExact("scenario 4, heal after scenario 3", leader, newLeader, app);
	}

	/**
	 * With one member cut off: a new instance and a stopped one (written through a healthy
	 * member) are seen within 2 s plus the election timeout, and over two TTLs the
	 * registration is never absent longer than 1 s, as a watch through a healthy member sees it.
	 */
	private void followsAndStaysRegistered(String scenario, NetnsApp app, String healthy, KeyPresenceWatch presence,
			Duration bound) {
		long added = System.currentTimeMillis();
		putInstance(healthy, "billing", "billing-new");
		await(scenario + ": the new instance in the view").atMost(Duration.ofSeconds(20))
			.until(() -> view(app).getOrDefault("billing", List.of()).contains("billing-new"));
		Duration seenAdded = Duration.ofMillis(changedAt(app) - added);
		report(scenario + ": new instance seen after", seenAdded);
		long removed = System.currentTimeMillis();
		this.cluster.etcdctl(healthy, "del", PREFIX + "/billing/billing-old");
		await(scenario + ": the stopped instance out of the view").atMost(Duration.ofSeconds(20))
			.until(() -> !view(app).getOrDefault("billing", List.of()).contains("billing-old"));
		Duration seenRemoved = Duration.ofMillis(changedAt(app) - removed);
		report(scenario + ": stopped instance gone after", seenRemoved);
		// Two TTLs more of partition, the key checked through the healthy member all along.
		await(scenario + ": registered throughout, through " + healthy).during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3))
			.until(() -> !this.cluster.keys(healthy, KEY).isEmpty());
		report(scenario + ": registration absent at most (" + presence.deletions() + " deletions, "
				+ app.json("/actuator/health/etcd").path("details").path("recoveries").asInt() + " recoveries)",
				presence.longestAbsence());
		assertThat(seenAdded).isLessThanOrEqualTo(bound);
		assertThat(seenRemoved).isLessThanOrEqualTo(bound);
		assertThat(presence.longestAbsence()).isLessThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(view(app)).isEqualTo(etcdView(healthy));
	}

	/** Heals the member; everything is exact and registered within 2 s, on every member. */
	private void healAndAwaitExact(String scenario, String cut, String healthy, NetnsApp app) {
		long healedAt = System.nanoTime();
		this.network.heal(cut);
		await(scenario + ": exact and registered on every member").atMost(Duration.ofSeconds(20))
			.until(() -> this.cluster.hasLeader(cut) && !this.cluster.keys(cut, KEY).isEmpty()
					&& view(app).equals(etcdView(healthy)) && view(app).equals(etcdView(cut))
					&& app.json("/actuator/health/etcd").path("status").asString().equals("UP"));
		Duration exact = Duration.ofNanos(System.nanoTime() - healedAt);
		report(scenario + ": everything exact and registered after", exact);
		assertThat(exact).isLessThanOrEqualTo(Duration.ofSeconds(2));
	}

	// ---- harness ----

	/** A follower, about to be cut off, holds the streams of "orders"; a watch on its key through the leader. */
	private record StreamsOnAFollower(String healthy, String cut, NetnsApp app, KeyPresenceWatch presence) {
	}

	private StreamsOnAFollower streamsOnAFollower(int heartbeatMs, int electionMs) throws Exception {
		start(heartbeatMs, electionMs, "app");
		String leader = this.cluster.leader(MEMBERS);
		String cut = followers(leader).get(0);
		putInstance(leader, "billing", "billing-old");
		NetnsApp app = appWithStreamsOn(cut, leader);
		return new StreamsOnAFollower(leader, cut, app, watchKey(leader, KEY));
	}

	/**
	 * An application "orders" configured with all three endpoints whose watches and
	 * keep-alive are open on {@code member}: while it starts, that is the only member it
	 * reaches; then it reaches all three again.
	 */
	private NetnsApp appWithStreamsOn(String member, String healthy) throws Exception {
		this.network.cutOff("app", others(member));
		NetnsApp app = app("app", "orders", this.cluster.endpoints(), true);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view(app).equals(etcdView(healthy)) && view(app).containsKey("orders"));
		this.network.heal("app");
		// gRPC reconnects to the two members it could not reach (the watchdog resets its backoff).
		await("connected to all three members").atMost(Duration.ofSeconds(20))
			.until(() -> app.connectedTo(2379).size() == 3);
		return app;
	}

	private void start(String... apps) throws Exception {
		start(NetnsEtcdCluster.HEARTBEAT_MS, NetnsEtcdCluster.ELECTION_MS, apps);
	}

	private void start(int heartbeatMs, int electionMs, String... apps) throws Exception {
		List<String> leaves = new ArrayList<>(MEMBERS);
		leaves.addAll(List.of(apps));
		this.network = NetworkNamespaces.create(leaves.toArray(String[]::new));
		this.cluster = NetnsEtcdCluster.start(this.network, MEMBERS, heartbeatMs, electionMs);
	}

	private NetnsApp app(String leaf, String name, List<String> endpoints, boolean register) throws Exception {
		Path log = Files.createTempFile(this.cluster.dir(), leaf + "-", ".log");
		NetnsApp app = NetnsApp.start(this.network, leaf, ViewProbeApp.class, log,
				List.of("spring.application.name=" + name, "spring.cloud.etcd.endpoints=" + String.join(",", endpoints),
						"spring.cloud.etcd.request-timeout=1s", "spring.cloud.etcd.discovery.ttl=" + TTL.toSeconds() + "s",
						"spring.cloud.etcd.discovery.register=" + register,
						"spring.cloud.etcd.discovery.host=127.0.0.1", "spring.cloud.etcd.discovery.instance-id=" + name,
						"spring.cloud.etcd.discovery.shutdown-delay=0",
						"spring.cloud.etcd.discovery.resync-interval=1h"));
		this.closeables.add(app);
		return app;
	}

	private KeyPresenceWatch watchKey(String through, String key) {
		KeyPresenceWatch watch = KeyPresenceWatch.start(this.cluster, through, key);
		this.closeables.add(watch);
		return watch;
	}

	private List<String> followers(String leader) {
		return MEMBERS.stream().filter((member) -> !member.equals(leader)).toList();
	}

	private static String[] others(String member) {
		return MEMBERS.stream().filter((other) -> !other.equals(member)).toArray(String[]::new);
	}

	private void putInstance(String through, String service, String instanceId) {
		this.cluster.etcdctl(through, "put", PREFIX + "/" + service + "/" + instanceId, "127.0.0.1:9000");
	}

	/** What etcd holds, read through a member with quorum, as {@code service -> sorted instance ids}. */
	private Map<String, List<String>> etcdView(String through) {
		Map<String, List<String>> view = new TreeMap<>();
		for (String key : this.cluster.keys(through, PREFIX + "/")) {
			String[] parts = key.substring(PREFIX.length() + 1).split("/");
			view.computeIfAbsent(parts[0], (s) -> new ArrayList<>()).add(parts[1]);
		}
		view.values().forEach((ids) -> ids.sort(null));
		return view;
	}

	/** The application's discovery view, in the same form. */
	private static Map<String, List<String>> view(NetnsApp app) {
		Map<String, List<String>> view = new TreeMap<>();
		JsonNode services = app.json("/view").path("services");
		for (String service : services.propertyNames()) {
			List<String> ids = new ArrayList<>();
			services.path(service).forEach((id) -> ids.add(id.asString()));
			view.put(service, ids);
		}
		return view;
	}

	private static long changedAt(NetnsApp app) {
		return app.json("/view").path("changedAt").asLong();
	}

	private static void report(String measurement, Duration value) {
		System.out.println("[partition] " + measurement + ": " + value.toMillis() + " ms");
	}

}
