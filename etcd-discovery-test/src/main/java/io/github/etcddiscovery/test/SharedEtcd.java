package io.github.etcddiscovery.test;

import java.nio.file.Path;
import java.util.UUID;

/**
 * One etcd server per test JVM, started on first use and shared by every test that does
 * not disturb etcd itself. Tests keep out of each other's way by writing only under their
 * own {@link #uniquePrefix(String)}.
 *
 * <p>The shared server refuses kill, pause, stop and restart, since those would break
 * unrelated tests; start a private {@link EtcdServer} for that. It is cleaned up when the
 * JVM exits.
 */
public final class SharedEtcd {

	private static EtcdServer server;

	private static RuntimeException startFailure;

	private SharedEtcd() {
	}

	public static synchronized EtcdServer get() {
		if (server != null) {
			return server;
		}
		// Fail every later caller at once with the original cause instead of each waiting
		// for its own start timeout.
		if (startFailure != null) {
			throw new IllegalStateException("The shared etcd server failed to start earlier in this JVM", startFailure);
		}
		try {
			server = new SharedServer(EtcdServer.builder().name("shared").start());
			return server;
		}
		catch (RuntimeException ex) {
			startFailure = ex;
			throw ex;
		}
	}

	/**
	 * A key prefix no other test uses, e.g. {@code /it-registry-3f9c2a1b}.
	 * @param testName readable part, usually the test class or method name
	 */
	public static String uniquePrefix(String testName) {
		String readable = testName.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
		return "/it-" + readable + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** The shared server with everything that would disturb other tests switched off. */
	private static final class SharedServer implements EtcdServer {

		private final EtcdServer delegate;

		SharedServer(EtcdServer delegate) {
			this.delegate = delegate;
		}

		@Override
		public EtcdServer start() {
			return this;
		}

		@Override
		public String name() {
			return this.delegate.name();
		}

		@Override
		public String clientEndpoint() {
			return this.delegate.clientEndpoint();
		}

		@Override
		public boolean isRunning() {
			return this.delegate.isRunning();
		}

		@Override
		public boolean isPaused() {
			return false;
		}

		@Override
		public boolean supportsProcessControl() {
			return false;
		}

		@Override
		public void stop() {
			throw refused("stop()");
		}

		@Override
		public void kill() {
			throw refused("kill()");
		}

		@Override
		public void pause() {
			throw refused("pause()");
		}

		@Override
		public void resume() {
			throw refused("resume()");
		}

		@Override
		public void restart() {
			throw refused("restart()");
		}

		@Override
		public void restartEmpty() {
			throw refused("restartEmpty()");
		}

		@Override
		public String etcdctl(String... args) {
			return this.delegate.etcdctl(args);
		}

		@Override
		public Path dataDir() {
			return this.delegate.dataDir();
		}

		@Override
		public Path logFile() {
			return this.delegate.logFile();
		}

		/** A no-op, so that try-with-resources around {@link SharedEtcd#get()} is harmless. */
		@Override
		public void close() {
		}

		@Override
		public String toString() {
			return "SharedEtcd[" + this.delegate + "]";
		}

		private static UnsupportedOperationException refused(String operation) {
			return new UnsupportedOperationException(operation + " is refused on the shared etcd server because "
					+ "other tests use it; start your own with EtcdServer.builder().start()");
		}

	}

}
