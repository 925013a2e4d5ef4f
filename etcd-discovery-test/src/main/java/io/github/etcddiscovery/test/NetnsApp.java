package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring Boot application from the test classpath, running as its own JVM inside a leaf
 * namespace of a {@link NetworkNamespaces} (where the test JVM cannot reach it), on port
 * {@value #PORT} of that namespace. The test reads it with curl run inside the namespace.
 */
public final class NetnsApp implements AutoCloseable {

	public static final int PORT = 8080;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final NetworkNamespaces network;

	private final String namespace;

	private final Process process;

	private final Path log;

	private NetnsApp(NetworkNamespaces network, String namespace, Process process, Path log) {
		this.network = network;
		this.namespace = namespace;
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts {@code main} in the leaf's namespace with {@code --key=value} arguments and waits
	 * until its actuator answers.
	 */
	public static NetnsApp start(NetworkNamespaces network, String leaf, Class<?> main, Path log,
			List<String> properties) {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, main.getName(), "--server.port=" + PORT,
				"--management.endpoints.web.exposure.include=health",
				"--management.endpoint.health.show-details=always", "--spring.main.banner-mode=off"));
		properties.forEach((property) -> command.add("--" + property));
		String namespace = network.namespace(leaf);
		NetnsApp app = new NetnsApp(network, namespace, network.start(namespace, command, log), log);
		Awaitility.await(main.getSimpleName() + " in " + namespace + " answering (log: " + log + ")")
			.atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(300))
			.until(() -> {
				if (!app.process.isAlive()) {
					throw new IllegalStateException(main.getSimpleName() + " exited with " + app.process.exitValue()
							+ ":\n" + app.logTail(60));
				}
				return app.get("/actuator/health").contains("\"status\"");
			});
		return app;
	}

	/** The body of {@code GET http://127.0.0.1:8080{path}} inside the namespace, "" when it does not answer. */
	public String get(String path) {
		try {
			return this.network.inside(this.namespace, "curl", "-s", "-m", "3", "http://127.0.0.1:" + PORT + path);
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	public JsonNode json(String path) {
		String body = get(path);
		return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
	}

	/** The remote addresses this application has TCP connections established to, on {@code port}. */
	public Set<String> connectedTo(int port) {
		Set<String> peers = new TreeSet<>();
		String out = this.network.inside(this.namespace, "ss", "-tnH", "state", "established");
		for (String line : out.lines().toList()) {
			String[] columns = line.trim().split("\\s+");
			String peer = columns[columns.length - 1];
			if (peer.endsWith(":" + port)) {
				peers.add(peer.substring(0, peer.lastIndexOf(':')));
			}
		}
		return peers;
	}

	/** How many lines of the application's output contain {@code text}. */
	public long linesContaining(String text) {
		return logLines().stream().filter((line) -> line.contains(text)).count();
	}

	public String logTail(int lines) {
		List<String> all = logLines();
		return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	private List<String> logLines() {
		try {
			return new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8).lines().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A graceful stop (SIGTERM), forced after 15 s. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
