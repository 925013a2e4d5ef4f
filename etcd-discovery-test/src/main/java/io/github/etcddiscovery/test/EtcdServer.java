package io.github.etcddiscovery.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One real etcd member for integration tests.
 *
 * <p>Normally a local etcd process ({@link EtcdProcess}); only when no etcd binary is
 * installed does {@link Builder#build()} fall back to a Testcontainers container, which
 * cannot be killed or restarted (see {@link #supportsProcessControl()}).
 *
 * <pre>
 * try (EtcdServer etcd = EtcdServer.builder().start()) {
 *     Client client = Client.builder().endpoints(etcd.clientEndpoint()).build();
 *     ...
 * }
 * </pre>
 */
public interface EtcdServer extends AutoCloseable {

	static Builder builder() {
		return new Builder();
	}

	/** Launches etcd and blocks until it serves requests. */
	EtcdServer start();

	String name();

	/** For example {@code http://127.0.0.1:41234}; stays the same across restarts. */
	String clientEndpoint();

	boolean isRunning();

	boolean isPaused();

	/** Whether {@link #kill()}, {@link #restart()} and {@link #restartEmpty()} work. */
	boolean supportsProcessControl();

	/** Graceful shutdown (SIGTERM); data is kept for {@link #restart()}. */
	void stop();

	/** Crash (SIGKILL) and wait until the process is gone; data is kept. */
	void kill();

	/** Freeze the process (SIGSTOP): connections stay open but nothing answers. */
	void pause();

	/** Undo {@link #pause()} (SIGCONT). */
	void resume();

	/** Start again with the same data dir and ports, stopping first if still running. */
	void restart();

	/** Start again with the same ports but an empty data dir, as after losing a disk. */
	void restartEmpty();

	/**
	 * Runs etcdctl (API v3) against this server and returns its stdout.
	 * @throws IllegalStateException on a non-zero exit or timeout, with etcdctl's stderr
	 */
	String etcdctl(String... args);

	/** etcd's {@code --data-dir}. */
	Path dataDir();

	/** Where etcd's stdout and stderr go. */
	Path logFile();

	/** Kills etcd and deletes its files. */
	@Override
	void close();

	/** Settings for one server; every setting has a default suitable for tests. */
	final class Builder {

		String name = "etcd";

		String clientScheme = "http";

		final List<String> extraArgs = new ArrayList<>();

		final List<String> etcdctlArgs = new ArrayList<>();

		Duration startTimeout = Duration.ofSeconds(20);

		EtcdMember member;

		String initialCluster;

		String initialClusterToken;

		boolean requireBinary;

		private Builder() {
		}

		public Builder name(String name) {
			this.name = Objects.requireNonNull(name);
			return this;
		}

		/** Flags appended after the defaults; etcd lets a later flag override an earlier one. */
		public Builder extraArgs(String... args) {
			this.extraArgs.addAll(Arrays.asList(args));
			return this;
		}

		/** {@code https} for TLS tests; pass the certificate flags via {@link #extraArgs}. */
		public Builder clientScheme(String scheme) {
			this.clientScheme = Objects.requireNonNull(scheme);
			return this;
		}

		/** Flags added to every {@link EtcdServer#etcdctl} call, e.g. {@code --cacert} or {@code --user}. */
		public Builder etcdctlArgs(String... args) {
			this.etcdctlArgs.addAll(Arrays.asList(args));
			return this;
		}

		public Builder startTimeout(Duration timeout) {
			this.startTimeout = Objects.requireNonNull(timeout);
			return this;
		}

		/** Fixed name and ports, as a cluster needs; by default free ports are picked. */
		public Builder member(EtcdMember member) {
			this.member = Objects.requireNonNull(member);
			this.name = member.name();
			return this;
		}

		/** {@code --initial-cluster}; by default a cluster of just this member. */
		public Builder initialCluster(String initialCluster) {
			this.initialCluster = Objects.requireNonNull(initialCluster);
			return this;
		}

		/** {@code --initial-cluster-token}; by default unique per server so that test clusters never merge. */
		public Builder initialClusterToken(String token) {
			this.initialClusterToken = Objects.requireNonNull(token);
			return this;
		}

		/** Fail instead of falling back to Docker, for tests that kill or pause etcd. */
		public Builder requireBinary() {
			this.requireBinary = true;
			return this;
		}

		/** Builds without starting; call {@link EtcdServer#start()} next. */
		public EtcdServer build() {
			Optional<Path> etcd = EtcdBinaries.etcd();
			if (etcd.isPresent()) {
				return new EtcdProcess(etcd.get(), EtcdBinaries.etcdctl(etcd.get()).orElse(null), this);
			}
			// Clusters, fixed ports and TLS files on the host do not translate to a container.
			boolean containerFits = !this.requireBinary && this.member == null && this.initialCluster == null
					&& "http".equals(this.clientScheme);
			if (!containerFits) {
				throw new IllegalStateException(EtcdBinaries.NOT_FOUND_BINARY_REQUIRED);
			}
			if (EtcdContainer.dockerAvailable()) {
				return EtcdContainer.create(this);
			}
			throw new IllegalStateException(EtcdBinaries.NOT_FOUND);
		}

		/** Builds and starts; a server that fails to start is closed, so its temp dir goes too. */
		public EtcdServer start() {
			EtcdServer server = build();
			try {
				return server.start();
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
		}

		EtcdProcess buildProcess() {
			Path etcd = EtcdBinaries.etcd()
				.orElseThrow(() -> new IllegalStateException(EtcdBinaries.NOT_FOUND_BINARY_REQUIRED));
			return new EtcdProcess(etcd, EtcdBinaries.etcdctl(etcd).orElse(null), this);
		}

	}

}
