package io.github.etcddiscovery.test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.utility.DockerImageName;

/**
 * Fallback for machines without an etcd binary: etcd in a Docker container.
 *
 * <p>This is the only class that touches Testcontainers, and {@link EtcdServer.Builder}
 * reaches it only when no binary was found, so runs with a local etcd never load
 * Testcontainers (nor probe for Docker).
 *
 * <p>Docker maps the client port to a new host port on every container start, so
 * anything that must keep {@link #clientEndpoint()} stable (kill, restart) is unsupported.
 */
final class EtcdContainer implements EtcdServer {

	private static final String IMAGE = EtcdTestContainer.DEFAULT_IMAGE;

	private static final int CLIENT_PORT = EtcdTestContainer.CLIENT_PORT;

	private final String name;

	private final List<String> etcdctlArgs;

	private final EtcdTestContainer container;

	private volatile boolean paused;

	private EtcdContainer(String name, List<String> extraArgs, List<String> etcdctlArgs, Duration startTimeout) {
		this.name = name;
		this.etcdctlArgs = List.copyOf(etcdctlArgs);
		this.container = new EtcdTestContainer(DockerImageName.parse(IMAGE), name, extraArgs);
		if (startTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
			this.container.withStartupTimeout(startTimeout);
		}
	}

	static EtcdServer create(EtcdServer.Builder settings) {
		return new EtcdContainer(settings.name, settings.extraArgs, settings.etcdctlArgs, settings.startTimeout);
	}

	/** Never throws: a missing Docker, or even missing Testcontainers, just means "no". */
	static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Exception | LinkageError ex) {
			return false;
		}
	}

	@Override
	public EtcdServer start() {
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("etcd container " + IMAGE + " did not start", ex);
		}
		return this;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String clientEndpoint() {
		return "http://" + this.container.getHost() + ":" + this.container.getMappedPort(CLIENT_PORT);
	}

	@Override
	public boolean isRunning() {
		return this.container.isRunning();
	}

	@Override
	public boolean isPaused() {
		return this.paused;
	}

	@Override
	public boolean supportsProcessControl() {
		return false;
	}

	@Override
	public void stop() {
		this.container.stop();
	}

	@Override
	public void kill() {
		throw unsupported("kill()");
	}

	@Override
	public void pause() {
		this.container.getDockerClient().pauseContainerCmd(this.container.getContainerId()).exec();
		this.paused = true;
	}

	@Override
	public void resume() {
		if (this.paused) {
			this.container.getDockerClient().unpauseContainerCmd(this.container.getContainerId()).exec();
			this.paused = false;
		}
	}

	@Override
	public void restart() {
		throw unsupported("restart()");
	}

	@Override
	public void restartEmpty() {
		throw unsupported("restartEmpty()");
	}

	@Override
	public String etcdctl(String... args) {
		List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=http://127.0.0.1:" + CLIENT_PORT));
		command.addAll(this.etcdctlArgs);
		command.addAll(List.of(args));
		ExecResult result;
		try {
			result = this.container.execInContainer(command.toArray(String[]::new));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run etcdctl in " + IMAGE, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running etcdctl", ex);
		}
		if (result.getExitCode() != 0) {
			throw new IllegalStateException("etcdctl exited with code " + result.getExitCode() + ": "
					+ String.join(" ", command) + System.lineSeparator() + result.getStderr().strip());
		}
		return result.getStdout();
	}

	@Override
	public Path dataDir() {
		throw unsupported("dataDir()");
	}

	@Override
	public Path logFile() {
		throw unsupported("logFile()");
	}

	@Override
	public void close() {
		this.container.close();
	}

	private static UnsupportedOperationException unsupported(String operation) {
		return new UnsupportedOperationException(operation + " needs a local etcd binary; this etcd runs in Docker. "
				+ EtcdBinaries.NOT_FOUND_BINARY_REQUIRED);
	}

}
