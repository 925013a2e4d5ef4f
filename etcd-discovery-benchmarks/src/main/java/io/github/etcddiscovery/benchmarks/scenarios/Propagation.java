package io.github.etcddiscovery.benchmarks.scenarios;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.benchmarks.Figure;
import io.github.etcddiscovery.benchmarks.Report;
import io.github.etcddiscovery.benchmarks.Samples;
import io.github.etcddiscovery.benchmarks.systems.Apps;
import io.github.etcddiscovery.benchmarks.systems.CallLoop;
import io.github.etcddiscovery.benchmarks.systems.Registry;
import io.github.etcddiscovery.benchmarks.systems.Servers;
import io.github.etcddiscovery.benchmarks.systems.Toggle;
import io.github.etcddiscovery.client.EtcdClientFactory;
import io.github.etcddiscovery.client.EtcdProperties;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 2: from the start of a registration in one application to (a) the instance being in
 * a caller's {@code DiscoveryClient}, (b) in its load balancer's list, (c) the first
 * load-balanced call it answers; and from the start of a graceful deregistration to (a) and
 * (b) no longer listing it, (c) the sending of the last call it answered.
 * <p>
 * Providers A (always registered) and B (toggled) and a caller run on the registry under test;
 * the caller streams calls to the service all along. (a) and (b) are stamped by {@link Arrival}:
 * the earliest of a poll every ~0.5 ms and of a check on every event the caller offers, for
 * every system alike (each {@code HeartbeatEvent} its context publishes, checking (a) and (b);
 * each list its load-balancer supplier's flux emits, checking (b) on that list). etcd-discovery
 * publishes a {@code HeartbeatEvent} after each change of its view and pushes each new list;
 * Spring Cloud Zookeeper publishes one on each TreeCache event and its supplier emits once per
 * subscription; Eureka publishes one after each registry fetch and its supplier emits once per
 * subscription. (c) is stamped by the calls themselves. The etcd run also measures the
 * floors on the same etcd, interleaved with its cycles: raw jetcd grant+put, and delete, to a
 * raw watch event, each after the same 5-15 ms pause as each register and deregister (a write
 * right after another one reaches a watch sooner). Every row's ratio is to those floors. Some
 * cycles also measure them with the applications' fan-out (three clients watching each write,
 * as the two providers and the caller do here), shown to tell what sharing the cores costs
 * any client from what this starter adds.
 */
public final class Propagation {

	static final String SECTION = "2. Propagation";

	private static final String SERVICE = "provider";

	private static final String B = "provider-b";

	private final Servers servers;

	private final Report report;

	private final Samples grantPutFloor = new Samples();

	private final Samples deleteFloor = new Samples();

	private final Samples grantPutBackToBack = new Samples();

	private final Samples deleteBackToBack = new Samples();

	private final Samples grantPutFannedOut = new Samples();

	private final Samples deleteFannedOut = new Samples();

	private final Samples grantPutStarterBuilt = new Samples();

	private final Samples deleteStarterBuilt = new Samples();

	/** One cycle in this many also measures the floors back to back, as they were measured before. */
	private static final int BACK_TO_BACK_EVERY = 10;

	/**
	 * One cycle in this many also measures the floors with the applications' fan-out: the
	 * writer's client and two others watch the key, each with a client of its own, as the
	 * two providers and the caller each watch every change.
	 */
	private static final int FANNED_OUT_EVERY = 5;

	/**
	 * One cycle in this many also measures the floors with clients built as the starter builds
	 * its own ({@link EtcdClientFactory}: requests started on the calling thread, callbacks on
	 * the connection's event loop), to tell what of the starter's figures is jetcd's transport.
	 */
	private static final int STARTER_BUILT_EVERY = 10;

	public Propagation(Servers servers, Report report) {
		this.servers = servers;
		this.report = report;
	}

	/** Measures {@code registry} over {@code cycles} register/deregister cycles after a warm-up. */
	public void run(Registry registry, int cycles, int warmup) throws Exception {
		if (cycles <= 0) {
			return;
		}
		boolean floors = registry == Registry.ETCD;
		Duration timeout = registry.fastest() || floors ? Duration.ofSeconds(30) : Duration.ofSeconds(150);
		Samples[] reg = { new Samples(), new Samples(), new Samples() };
		Samples[] dereg = { new Samples(), new Samples(), new Samples() };
		int timeouts = 0;
		try (Apps apps = new Apps(registry, this.servers)) {
			boolean auto = !registry.isEureka();
			ConfigurableApplicationContext a = apps.start(SERVICE, "provider-a", auto);
			ConfigurableApplicationContext b = apps.start(SERVICE, B, auto);
			ConfigurableApplicationContext caller = apps.start("caller", "caller-1", false);
			Toggle.of(registry, a, apps.endpoint(), SERVICE, "provider-a").register();
			Toggle toggle = Toggle.of(registry, b, apps.endpoint(), SERVICE, B);
			if (!registry.isEureka()) {
				toggle.deregister();
			}
			ServiceInstanceListSupplier supplier = Apps.supplier(caller, SERVICE);
			try {
				await(Duration.ofSeconds(180), () -> Apps.offered(supplier).equals(List.of("provider-a")));
			}
			catch (IllegalStateException ex) {
				throw new IllegalStateException("The caller never saw provider-a alone: its DiscoveryClient has "
						+ Apps.discovered(caller, SERVICE) + ", its load balancer " + Apps.offered(supplier)
						+ ", services " + caller.getBean(org.springframework.cloud.client.discovery.DiscoveryClient.class).getServices(), ex);
			}
			RawWatch raw = floors ? new RawWatch(this.servers.etcdClient(), "/raw/key") : null;
			List<Client> watching = floors ? List.of(etcdClient(), etcdClient()) : List.of();
			RawWatch fanned = floors ? new RawWatch(this.servers.etcdClient(), watching.get(0),
					List.of(this.servers.etcdClient(), watching.get(1)), "/raw/fanned-out") : null;
			Client starterBuilt = floors ? starterBuiltClient() : null;
			RawWatch tuned = floors ? new RawWatch(starterBuilt, "/raw/starter-built") : null;
			long budget = Math.max(500_000L, (cycles + warmup) * 2_000L);
			// The defaults take minutes of caches: calls 2 ms apart keep the loop within its budget.
			Duration pause = (timeout.toSeconds() > 30) ? Duration.ofMillis(2) : Duration.ZERO;
			try (CallLoop calls = new CallLoop(caller, SERVICE, B, 2, Duration.ofMinutes(8), budget, pause);
					Arrival arrival = new Arrival(caller, supplier)) {
				for (int i = -warmup; i < cycles; i++) {
					Arrival.Phase registering = arrival.begin(() -> Apps.discovered(caller, SERVICE).contains(B),
							() -> Apps.offered(supplier).contains(B), (ids) -> ids.contains(B));
					long registerAt = System.nanoTime();
					calls.mark(registerAt);
					toggle.register();
					long[] in = arrival.await(registering, timeout, registerAt, calls::firstByWatchedSinceMark);
					pauseBriefly();
					Arrival.Phase deregistering = arrival.begin(() -> !Apps.discovered(caller, SERVICE).contains(B),
							() -> !Apps.offered(supplier).contains(B), (ids) -> !ids.contains(B));
					long deregisterAt = System.nanoTime();
					toggle.deregister();
					long[] out = arrival.await(deregistering, timeout, deregisterAt, null);
					long seen = calls.calls();
					await(Duration.ofSeconds(10), () -> calls.calls() >= seen + 20);
					if (in == null || out == null) {
						timeouts++;
						continue;
					}
					if (i >= 0) {
						for (int k = 0; k < 3; k++) {
							reg[k].addNanosAsMillis(in[k] - registerAt);
						}
						dereg[0].addNanosAsMillis(out[0] - deregisterAt);
						dereg[1].addNanosAsMillis(out[1] - deregisterAt);
						dereg[2].addNanosAsMillis(calls.lastByWatched() - deregisterAt);
						if (raw != null) {
							// Each floor write after the same pause as each measured one.
							pauseBriefly();
							this.grantPutFloor.addNanosAsMillis(raw.grantAndPut());
							pauseBriefly();
							this.deleteFloor.addNanosAsMillis(raw.delete());
							if (i % BACK_TO_BACK_EVERY == 0) {
								this.grantPutBackToBack.addNanosAsMillis(raw.grantAndPut());
								this.deleteBackToBack.addNanosAsMillis(raw.delete());
							}
							if (i % FANNED_OUT_EVERY == 0) {
								pauseBriefly();
								this.grantPutFannedOut.addNanosAsMillis(fanned.grantAndPut());
								pauseBriefly();
								this.deleteFannedOut.addNanosAsMillis(fanned.delete());
							}
							if (i % STARTER_BUILT_EVERY == 1) {
								pauseBriefly();
								this.grantPutStarterBuilt.addNanosAsMillis(tuned.grantAndPut());
								pauseBriefly();
								this.deleteStarterBuilt.addNanosAsMillis(tuned.delete());
							}
						}
					}
					pauseBriefly();
				}
				this.report.note(SECTION,
						String.format("%s: %d cycles, %d calls, %d failed calls%s, %d cycles timed out", registry.label(),
								cycles, calls.calls(), calls.failures(),
								(calls.firstFailure() != null) ? " (first: " + calls.firstFailure() + ")" : "",
								timeouts));
			}
			if (raw != null) {
				raw.close();
				fanned.close();
				watching.forEach(Client::close);
				tuned.close();
				starterBuilt.close();
				this.report.note(SECTION, "(a) and (b) are stamped at the earliest of a poll every 0.5 ms and a check on each "
						+ "HeartbeatEvent of the caller (etcd-discovery: after each change of its view, on its own "
						+ "etcd-heartbeat thread; Spring Cloud Zookeeper: on each TreeCache event; Eureka: after each "
						+ "registry fetch) and, for (b), on each list the caller's load-balancer supplier emits (etcd-discovery "
						+ "pushes every change; the peers' suppliers emit once per subscription) and, for etcd-discovery, on each "
						+ "call of its change listener (on the thread that applied the change, as Spring Cloud Zookeeper's "
						+ "heartbeat is told on the TreeCache's), watching from before the register or deregister call; the "
						+ "floors are stamped by their raw watch's event. Each floor write, like each register and "
						+ "deregister, comes after a pause of 5-15 ms: the floor's delete is of the key its grant+put "
						+ "wrote, under its lease, revoked once the delete is answered, as a deregistration does. Every "
						+ BACK_TO_BACK_EVERY + "th cycle also measures both floors back to back (each write right after "
						+ "the last one's event), as earlier runs measured them: etcd and this machine serve a write "
						+ "right after another faster than one after a pause, so those rows are shown, not used");
				this.report.add(Figure.baseline(SECTION, "etcd (raw jetcd)", "floor: grant+put -> watch event", "ms",
						this.grantPutFloor));
				this.report.add(Figure.baseline(SECTION, "etcd (raw jetcd)", "floor: delete -> watch event", "ms",
						this.deleteFloor));
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "grant+put -> watch event, back to back", "ms",
						this.grantPutBackToBack, "grant+put floor", this.grantPutFloor));
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "delete -> watch event, back to back", "ms",
						this.deleteBackToBack, "delete floor", this.deleteFloor));
				this.report.note(SECTION, "Every " + FANNED_OUT_EVERY + "th cycle also measures both floors with the "
						+ "applications' fan-out: the same writes, after the same pauses, watched by the writer's client "
						+ "and two other clients, each on a connection of its own, as the two providers and the caller "
						+ "here each watch every change (watch=all); timed at a watch of a client that did not write, as "
						+ "the caller's is. Shown, not used: a deployment has its applications on machines of their own");
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "grant+put -> watch event, 3 clients watching",
						"ms", this.grantPutFannedOut, "grant+put floor", this.grantPutFloor));
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "delete -> watch event, 3 clients watching",
						"ms", this.deleteFannedOut, "delete floor", this.deleteFloor));
				this.report.note(SECTION, "Every " + STARTER_BUILT_EVERY + "th cycle also measures both floors with a "
						+ "jetcd client built as the starter builds its own (EtcdClientFactory: requests started on the "
						+ "thread that makes them, answers and watch events on the connection's event loop, jetcd's "
						+ "useVertx()), writing and watching: what of the starter's figures is jetcd's transport. Shown, "
						+ "not used: the floor is jetcd as any process uses it");
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "grant+put -> watch event, client as the starter "
						+ "builds it", "ms", this.grantPutStarterBuilt, "grant+put floor", this.grantPutFloor));
				this.report.add(Figure.of(SECTION, "etcd (raw jetcd)", "delete -> watch event, client as the starter "
						+ "builds it", "ms", this.deleteStarterBuilt, "delete floor", this.deleteFloor));
				this.report.chart("raw etcd grant+put -> watch", this.grantPutFloor);
			}
		}
		String[] what = { "(a) in DiscoveryClient", "(b) in load-balancer list", "(c) first load-balanced call" };
		for (int k = 0; k < 3; k++) {
			this.report.add(Figure.of(SECTION, registry.label(), "register -> " + what[k], "ms", reg[k],
					"grant+put floor", this.grantPutFloor));
		}
		String[] gone = { "(a) gone from DiscoveryClient", "(b) gone from load-balancer list",
				"(c) last load-balanced call sent" };
		for (int k = 0; k < 3; k++) {
			this.report.add(Figure.of(SECTION, registry.label(), "deregister -> " + gone[k], "ms", dereg[k],
					"delete floor", this.deleteFloor));
		}
		this.report.chart(registry.label() + ": register -> load-balancer list", reg[1]);
	}

	private Client etcdClient() {
		return Client.builder().endpoints(this.servers.etcd().clientEndpoint()).build();
	}

	private Client starterBuiltClient() {
		EtcdProperties properties = new EtcdProperties();
		properties.setEndpoints(List.of(this.servers.etcd().clientEndpoint()));
		return new EtcdClientFactory(properties, null).create();
	}

	static void await(Duration timeout, BooleanSupplier condition) {
		await(timeout, Duration.ofMillis(1), condition);
	}

	/** Waits for {@code condition}, looking every {@code every}: coarser where nothing is timed. */
	static void await(Duration timeout, Duration every, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Condition not met within " + timeout);
			}
			LockSupport.parkNanos(every.toNanos());
		}
	}

	private static void pauseBriefly() {
		// Decorrelates the cycles from the callers' pace.
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(5_000_000, 15_000_000));
	}

}
