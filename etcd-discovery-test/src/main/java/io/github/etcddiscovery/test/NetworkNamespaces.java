package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A small routed network of Linux network namespaces, for partition tests: a router
 * namespace that forwards between leaf namespaces (one per etcd member, one per
 * application), each joined to it by a veth pair, with private addresses that exist only
 * inside these namespaces.
 * <p>
 * Nothing is changed in the machine's own namespace: the veth pairs are created inside the
 * router namespace, every sysctl and route is set inside a namespace made here, and every
 * namespace has a unique name ({@code edt<pid>x<n>-<leaf>}) and is deleted on
 * {@link #close()}, at JVM exit ({@link ProcessReaper}), or by the next test JVM when the one
 * that made it was killed. A partition changes routes inside one leaf: its routes to the
 * others become {@code unreachable}, and strict reverse-path filtering in every leaf drops
 * what they send it too, so both directions break while everything else still reaches it.
 */
public final class NetworkNamespaces implements AutoCloseable {

	private static final String PREFIX = "edt";

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

	private static final AtomicInteger SEQUENCE = new AtomicInteger();

	private final String name;

	private final Map<String, Integer> leaves = new LinkedHashMap<>();

	private final Map<String, List<String>> cutRoutes = new HashMap<>();

	private final List<Process> processes = new ArrayList<>();

	private NetworkNamespaces(String name) {
		this.name = name;
	}

	/**
	 * Why partition tests cannot run here, if they cannot: {@code ip netns} needs root (or
	 * CAP_SYS_ADMIN) on Linux, and the applications are reached with curl.
	 */
	public static Optional<String> unavailableReason() {
		if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
			return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
		}
		String probe = PREFIX + ProcessHandle.current().pid() + "probe";
		try {
			exec(List.of("ip", "netns", "add", probe));
			deleteQuietly(probe);
			exec(List.of("curl", "--version"));
			return Optional.empty();
		}
		catch (RuntimeException ex) {
			return Optional.of("`ip netns add` (needs root) or curl is not available: " + ex.getMessage());
		}
	}

	/** The router and one leaf per name, all up and routed. */
	public static NetworkNamespaces create(String... leafNames) {
		sweepOrphans();
		NetworkNamespaces network = new NetworkNamespaces(
				PREFIX + ProcessHandle.current().pid() + "x" + SEQUENCE.incrementAndGet());
		try {
			network.build(leafNames);
			return network;
		}
		catch (RuntimeException ex) {
			network.close();
			throw ex;
		}
	}

	private void build(String... leafNames) {
		String router = router();
		addNamespace(router);
		inside(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
		int index = 0;
		for (String leaf : leafNames) {
			this.leaves.put(leaf, index);
			String namespace = namespace(leaf);
			addNamespace(namespace);
			inside(namespace, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.default.rp_filter=1");
			inside(router, "ip", "link", "add", "v" + index, "type", "veth", "peer", "name", "eth0", "netns",
					namespace);
			inside(router, "ip", "addr", "add", "10.77." + index + ".1/24", "dev", "v" + index);
			inside(router, "ip", "link", "set", "v" + index, "up");
			inside(namespace, "ip", "addr", "add", address(leaf) + "/24", "dev", "eth0");
			inside(namespace, "ip", "link", "set", "eth0", "up");
			inside(namespace, "sysctl", "-qw", "net.ipv4.conf.eth0.rp_filter=1");
			inside(namespace, "ip", "route", "add", "default", "via", "10.77." + index + ".1");
			index++;
		}
	}

	public String router() {
		return this.name + "-router";
	}

	/** The namespace of a leaf. */
	public String namespace(String leaf) {
		index(leaf);
		return this.name + "-" + leaf;
	}

	/** The leaf's private address, reachable from every other namespace of this network. */
	public String address(String leaf) {
		return "10.77." + index(leaf) + ".2";
	}

	/** Cuts {@code leaf} off from {@code others}, in both directions; the rest still reach it. */
	public synchronized void cutOff(String leaf, String... others) {
		List<String> routes = this.cutRoutes.computeIfAbsent(leaf, (l) -> new ArrayList<>());
		for (String other : others) {
			String route = address(other) + "/32";
			inside(namespace(leaf), "ip", "route", "add", "unreachable", route);
			routes.add(route);
		}
	}

	/** Undoes every {@link #cutOff} of {@code leaf}. */
	public synchronized void heal(String leaf) {
		List<String> routes = this.cutRoutes.remove(leaf);
		if (routes != null) {
			for (String route : routes) {
				inside(namespace(leaf), "ip", "route", "del", "unreachable", route);
			}
		}
	}

	/** Runs a command in a namespace, waits for it, and returns its output. */
	public String inside(String namespace, String... command) {
		List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
		full.addAll(List.of(command));
		return exec(full);
	}

	/**
	 * Starts a long-running command in a namespace, its output appended to {@code log}, or
	 * piped to the caller when {@code log} is null; it is killed on {@link #close()} at the
	 * latest. {@code ip netns exec} replaces itself with the command, so the process is the
	 * command itself.
	 */
	public synchronized Process start(String namespace, List<String> command, @Nullable Path log) {
		List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
		if (log != null) {
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		}
		builder.environment().keySet().removeIf((key) -> key.startsWith("ETCD"));
		try {
			Process process = builder.start();
			ProcessReaper.register(process);
			this.processes.add(process);
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + full, ex);
		}
	}

	/** Kills every process started here, then deletes the namespaces. */
	@Override
	public synchronized void close() {
		for (Process process : this.processes) {
			process.destroyForcibly();
		}
		for (Process process : this.processes) {
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			ProcessReaper.unregister(process);
		}
		this.processes.clear();
		List<String> namespaces = new ArrayList<>(List.of(router()));
		this.leaves.keySet().forEach((leaf) -> namespaces.add(namespace(leaf)));
		for (String namespace : namespaces) {
			deleteQuietly(namespace);
			ProcessReaper.unregisterNamespace(namespace);
		}
	}

	private int index(String leaf) {
		Integer index = this.leaves.get(leaf);
		if (index == null) {
			throw new IllegalArgumentException("No leaf " + leaf + " in " + this.leaves.keySet());
		}
		return index;
	}

	private static void addNamespace(String namespace) {
		ProcessReaper.registerNamespace(namespace);
		exec(List.of("ip", "netns", "add", namespace));
		exec(List.of("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"));
	}

	/** Kills whatever still runs in a namespace and deletes it; missing is fine. */
	static void deleteQuietly(String namespace) {
		try {
			for (String pid : exec(List.of("ip", "netns", "pids", namespace)).split("\\s+")) {
				if (!pid.isBlank()) {
					ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
				}
			}
			exec(List.of("ip", "netns", "del", namespace));
		}
		catch (RuntimeException ex) {
			// Already gone, or never made.
		}
	}

	/** Namespaces left by a test JVM that was killed before it could clean up. */
	private static void sweepOrphans() {
		for (String line : exec(List.of("ip", "netns", "list")).lines().toList()) {
			String namespace = line.split("\\s+")[0];
			if (!namespace.startsWith(PREFIX) || !namespace.contains("x")) {
				continue;
			}
			String pid = namespace.substring(PREFIX.length(), namespace.indexOf('x'));
			if (pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
					&& ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
				deleteQuietly(namespace);
			}
		}
	}

	private static String exec(List<String> command) {
		return EtcdctlRunner.run(command.get(0), command, COMMAND_TIMEOUT, Path.of(System.getProperty("java.io.tmpdir")));
	}

	/** Leaves cut off right now, for messages. */
	public synchronized Set<String> cutOffLeaves() {
		return Set.copyOf(this.cutRoutes.keySet());
	}

}
