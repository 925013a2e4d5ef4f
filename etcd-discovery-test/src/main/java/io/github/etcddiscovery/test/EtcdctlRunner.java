package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one etcdctl command with a hard timeout.
 */
final class EtcdctlRunner {

	private EtcdctlRunner() {
	}

	/**
	 * Output goes to files rather than pipes: a full pipe would block etcdctl, and reading
	 * pipes would block us past the timeout.
	 */
	static String run(List<String> command, Duration timeout, Path workDir) {
		return run("etcdctl", command, timeout, workDir);
	}

	/** Any short command the same way ({@code ip}, {@code curl}, ...); {@code name} is for messages. */
	static String run(String name, List<String> command, Duration timeout, Path workDir) {
		Path stdout = null;
		Path stderr = null;
		try {
			stdout = Files.createTempFile(workDir, name + "-", ".out");
			stderr = Files.createTempFile(workDir, name + "-", ".err");
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile());
			// Stray ETCDCTL_* variables (e.g. a developer's ETCDCTL_ENDPOINTS) would override our flags.
			builder.environment().keySet().removeIf((key) -> key.startsWith("ETCDCTL"));
			builder.environment().put("ETCDCTL_API", "3");
			Process process = builder.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor();
				throw new IllegalStateException(name + " timed out after " + timeout + ": " + String.join(" ", command)
						+ System.lineSeparator() + read(stderr));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(name + " exited with code " + process.exitValue() + ": "
						+ String.join(" ", command) + System.lineSeparator()
						+ read(stderr).strip());
			}
			return read(stdout);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
		finally {
			deleteQuietly(stdout);
			deleteQuietly(stderr);
		}
	}

	// Lenient decoding: a killed etcdctl may leave half a multi-byte character behind.
	private static String read(Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
	}

	private static void deleteQuietly(Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ignored) {
			// The whole work dir goes away when the server closes.
		}
	}

}
