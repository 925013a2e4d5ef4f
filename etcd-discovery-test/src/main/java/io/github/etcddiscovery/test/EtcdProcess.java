package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An etcd member running as a child process of the test JVM, on loopback ports and a
 * private temp dir.
 */
final class EtcdProcess implements EtcdServer {

	private static final int START_ATTEMPTS = 3;

	private static final int LOG_TAIL_LINES = 40;

	private static final String LAUNCH_MARKER = "==== etcd-test launch ";

	private static final String HEALTH_POLL_NOISE = "/health error";

	private static final Duration ETCDCTL_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	// Health goes over the plain-HTTP metrics listener so that it works unchanged when a
	// test turns on client TLS or auth; an explicit NO_PROXY keeps loopback off proxies.
	private static final HttpClient HEALTH_CLIENT = HttpClient.newBuilder()
		.proxy(HttpClient.Builder.NO_PROXY)
		.connectTimeout(Duration.ofMillis(500))
		.build();

	private final Path etcd;

	private final Path etcdctl;

	private final String clientScheme;

	private final String initialCluster;

	private final String initialClusterToken;

	private final boolean portsArePicked;

	private final List<String> extraArgs;

	private final List<String> etcdctlArgs;

	private final Duration startTimeout;

	private final Path rootDir;

	private volatile EtcdMember member;

	private Process process;

	private volatile boolean paused;

	private boolean everHealthy;

	private volatile boolean closed;

	private int launches;

	EtcdProcess(Path etcd, Path etcdctl, EtcdServer.Builder settings) {
		this.etcd = etcd;
		this.etcdctl = etcdctl;
		this.clientScheme = settings.clientScheme;
		this.portsArePicked = settings.member == null;
		this.member = this.portsArePicked ? EtcdMember.withFreePorts(settings.name) : settings.member;
		this.initialCluster = settings.initialCluster;
		this.initialClusterToken = (settings.initialClusterToken != null) ? settings.initialClusterToken
				: "etcd-test-" + UUID.randomUUID();
		this.extraArgs = List.copyOf(settings.extraArgs);
		this.etcdctlArgs = List.copyOf(settings.etcdctlArgs);
		this.startTimeout = settings.startTimeout;
		try {
			this.rootDir = Files.createTempDirectory("etcd-test-" + settings.name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a temp dir for etcd", ex);
		}
		ProcessReaper.register(this.rootDir);
	}

	@Override
	public synchronized EtcdServer start() {
		checkNotClosed();
		if (isRunning()) {
			throw new IllegalStateException(name() + " is already running");
		}
		for (int attempt = 1;; attempt++) {
			launch();
			try {
				awaitHealthy();
				return this;
			}
			catch (EtcdStartException ex) {
				// Ports may only move before anyone has seen them, i.e. before the first success.
				boolean mayMovePorts = this.portsArePicked && !this.everHealthy;
				if (!ex.isPortConflict() || !mayMovePorts || attempt == START_ATTEMPTS) {
					throw ex;
				}
				// etcd may already have written a WAL naming the old peer URL.
				ProcessReaper.deleteRecursively(dataDir());
				this.member = EtcdMember.withFreePorts(this.member.name());
			}
		}
	}

	/** Spawns etcd without waiting, so that cluster members can find each other. */
	synchronized void launch() {
		checkNotClosed();
		if (isRunning()) {
			// Launching again would orphan the running process and clash on its ports.
			throw new IllegalStateException(name() + " is already running");
		}
		List<String> command = command();
		this.launches++;
		appendToLog(LAUNCH_MARKER + this.launches + ": " + String.join(" ", command) + System.lineSeparator());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
		// etcd reads ETCD_* variables as flags and refuses to start when they clash with ours.
		builder.environment().keySet().removeIf((key) -> key.startsWith("ETCD"));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not launch " + this.etcd, ex);
		}
		ProcessReaper.register(this.process);
		this.paused = false;
	}

	/** Blocks until etcd answers {@code /health}, or fails with the end of its log. */
	synchronized void awaitHealthy() {
		Process launched = this.process;
		if (launched == null) {
			throw new IllegalStateException(name() + " was not launched");
		}
		URI health = URI.create(this.member.metricsUrl() + "/health");
		long deadline = System.nanoTime() + this.startTimeout.toNanos();
		while (!isHealthy(health)) {
			boolean exited;
			try {
				// Doubles as the poll interval and notices at once when etcd gives up.
				exited = launched.waitFor(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				kill();
				throw new IllegalStateException("Interrupted while waiting for " + name(), ex);
			}
			if (exited) {
				forget(launched);
				throw startFailure(name() + " exited with code " + launched.exitValue() + " during startup");
			}
			if (System.nanoTime() > deadline) {
				kill();
				throw startFailure(name() + " did not become healthy within " + this.startTimeout);
			}
		}
		this.everHealthy = true;
	}

	@Override
	public String name() {
		return this.member.name();
	}

	@Override
	public String clientEndpoint() {
		return this.member.clientUrl(this.clientScheme);
	}

	/** The member spec, including the ports this server will keep across restarts. */
	EtcdMember member() {
		return this.member;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	@Override
	public boolean isPaused() {
		return this.paused;
	}

	@Override
	public boolean supportsProcessControl() {
		return true;
	}

	@Override
	public synchronized void stop() {
		if (!isRunning()) {
			return;
		}
		// A stopped process would hold SIGTERM pending until continued.
		resume();
		Process running = this.process;
		running.destroy();
		try {
			if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				running.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			running.destroyForcibly();
		}
		forget(running);
	}

	@Override
	public synchronized void kill() {
		if (this.process == null) {
			return;
		}
		Process running = this.process;
		running.destroyForcibly();
		try {
			running.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		forget(running);
	}

	@Override
	public synchronized void pause() {
		if (!isRunning()) {
			throw new IllegalStateException(name() + " is not running");
		}
		signal("STOP");
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		if (this.paused && isRunning()) {
			signal("CONT");
		}
		this.paused = false;
	}

	@Override
	public synchronized void restart() {
		stop();
		launch();
		awaitHealthy();
	}

	@Override
	public synchronized void restartEmpty() {
		kill();
		ProcessReaper.deleteRecursively(dataDir());
		launch();
		awaitHealthy();
	}

	@Override
	public String etcdctl(String... args) {
		checkNotClosed();
		if (this.etcdctl == null) {
			throw new IllegalStateException("No etcdctl found (looked at ETCDCTL_BINARY, next to " + this.etcd
					+ ", PATH). Install it with `sudo apt-get install etcd-client`.");
		}
		List<String> command = new ArrayList<>();
		command.add(this.etcdctl.toString());
		command.add("--endpoints=" + clientEndpoint());
		command.addAll(this.etcdctlArgs);
		command.addAll(List.of(args));
		return EtcdctlRunner.run(command, ETCDCTL_TIMEOUT, this.rootDir);
	}

	@Override
	public Path dataDir() {
		return this.rootDir.resolve("data");
	}

	@Override
	public Path logFile() {
		return this.rootDir.resolve("etcd.log");
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		// No graceful stop: the data is deleted anyway and SIGKILL keeps test teardown fast.
		kill();
		this.closed = true;
		ProcessReaper.deleteRecursively(this.rootDir);
		ProcessReaper.unregister(this.rootDir);
	}

	@Override
	public String toString() {
		return "EtcdProcess[" + name() + " " + clientEndpoint() + "]";
	}

	private List<String> command() {
		EtcdMember self = this.member;
		String clientUrl = self.clientUrl(this.clientScheme);
		List<String> command = new ArrayList<>(List.of(this.etcd.toString(), "--name=" + self.name(),
				"--data-dir=" + dataDir(), "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
				"--listen-peer-urls=" + self.peerUrl(), "--initial-advertise-peer-urls=" + self.peerUrl(),
				"--listen-metrics-urls=" + self.metricsUrl(),
				"--initial-cluster=" + ((this.initialCluster != null) ? this.initialCluster : self.initialClusterEntry()),
				"--initial-cluster-token=" + this.initialClusterToken, "--initial-cluster-state=new",
				"--logger=zap", "--log-outputs=stderr", "--log-level=warn",
				// Fast elections keep failover tests short; loopback latency is far below these.
				"--heartbeat-interval=50", "--election-timeout=500"));
		command.addAll(this.extraArgs);
		return command;
	}

	private static boolean isHealthy(URI health) {
		HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).GET().build();
		try {
			HttpResponse<String> response = HEALTH_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void signal(String signal) {
		List<String> command = List.of("kill", "-" + signal, Long.toString(this.process.pid()));
		try {
			Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				kill.destroyForcibly();
				throw new IllegalStateException("`" + String.join(" ", command) + "` failed: "
						+ new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + name(), ex);
		}
	}

	private void forget(Process ended) {
		ProcessReaper.unregister(ended);
		if (this.process == ended) {
			this.process = null;
			this.paused = false;
		}
	}

	private EtcdStartException startFailure(String problem) {
		List<String> lines = logLines();
		int lastLaunch = 0;
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).startsWith(LAUNCH_MARKER)) {
				lastLaunch = i;
			}
		}
		boolean portConflict = lines.subList(lastLaunch, lines.size())
			.stream()
			.anyMatch((line) -> line.contains("address already in use"));
		// Our own health polls make etcd log one "/health error" per poll; they would push
		// the interesting lines out of the tail, so only the latest one is kept.
		List<String> pollNoise = lines.stream().filter((line) -> line.contains(HEALTH_POLL_NOISE)).toList();
		List<String> useful = new ArrayList<>(lines.stream().filter((line) -> !line.contains(HEALTH_POLL_NOISE)).toList());
		if (!pollNoise.isEmpty()) {
			useful.add(pollNoise.get(pollNoise.size() - 1) + "   [" + pollNoise.size() + " such lines in total]");
		}
		List<String> tail = useful.subList(Math.max(0, useful.size() - LOG_TAIL_LINES), useful.size());
		String message = problem + " (client " + clientEndpoint() + ", peer " + this.member.peerUrl() + ")"
				+ System.lineSeparator() + "---- end of etcd's log (" + logFile() + ", deleted on close) ----"
				+ System.lineSeparator() + String.join(System.lineSeparator(), tail);
		return new EtcdStartException(message, portConflict);
	}

	private List<String> logLines() {
		try {
			// Decoded leniently: a crash can cut a multi-byte character in half.
			String log = new String(Files.readAllBytes(logFile()), StandardCharsets.UTF_8);
			return log.lines().toList();
		}
		catch (IOException ex) {
			return List.of("(log unreadable: " + ex + ")");
		}
	}

	private void appendToLog(String text) {
		try {
			Files.writeString(logFile(), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + logFile(), ex);
		}
	}

	private void checkNotClosed() {
		if (this.closed) {
			throw new IllegalStateException(name() + " is closed");
		}
	}

}
