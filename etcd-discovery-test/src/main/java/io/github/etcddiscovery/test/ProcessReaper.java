package io.github.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Last line of defence against etcd processes, temp dirs and network namespaces outliving
 * the test JVM, e.g. when a test fails before its {@code close()} runs. A JVM killed with SIGKILL runs no
 * hooks, so in that case only the OS (or the next reboot) cleans up.
 */
final class ProcessReaper {

	private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

	private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

	private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "etcd-test-reaper"));
	}

	private ProcessReaper() {
	}

	static void register(Process process) {
		PROCESSES.add(process);
	}

	static void unregister(Process process) {
		PROCESSES.remove(process);
	}

	static void register(Path directory) {
		DIRECTORIES.add(directory);
	}

	static void unregister(Path directory) {
		DIRECTORIES.remove(directory);
	}

	/** A network namespace to delete, after the processes (which may run inside it) are gone. */
	static void registerNamespace(String name) {
		NAMESPACES.add(name);
	}

	static void unregisterNamespace(String name) {
		NAMESPACES.remove(name);
	}

	/** Deletes a directory tree; missing files are fine because etcd may be mid-write. */
	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + directory, ex);
		}
	}

	private static void reapAll() {
		// SIGKILL also ends a SIGSTOPped process, so paused members need no special care.
		for (Process process : PROCESSES) {
			process.destroyForcibly();
		}
		for (Process process : PROCESSES) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		for (String namespace : NAMESPACES) {
			NetworkNamespaces.deleteQuietly(namespace);
		}
		for (Path directory : DIRECTORIES) {
			try {
				deleteRecursively(directory);
			}
			catch (RuntimeException ex) {
				// Keep going: one stubborn directory must not leave the others behind.
			}
		}
	}

}
