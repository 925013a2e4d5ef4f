package io.github.etcddiscovery.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the etcd and etcdctl executables used by {@link EtcdProcess}.
 */
public final class EtcdBinaries {

	static final String NOT_FOUND = "No etcd binary found (looked at ETCD_BINARY, PATH, /usr/bin/etcd, /usr/local/bin/etcd). "
			+ "Install it with `sudo apt-get install etcd-server etcd-client`, or set ETCD_BINARY=/path/to/etcd, "
			+ "or run Docker so Testcontainers can start etcd.";

	static final String NOT_FOUND_BINARY_REQUIRED = "No etcd binary found (looked at ETCD_BINARY, PATH, /usr/bin/etcd, "
			+ "/usr/local/bin/etcd), and this test controls the etcd process itself (kill, pause, cluster or TLS), "
			+ "so Docker cannot stand in. Install it with `sudo apt-get install etcd-server etcd-client`, "
			+ "or set ETCD_BINARY=/path/to/etcd.";

	private EtcdBinaries() {
	}

	/** The etcd server binary, if one is installed. */
	public static Optional<Path> etcd() {
		return find("ETCD_BINARY", "etcd", null);
	}

	/** The etcdctl binary; the one beside {@code etcd} wins so that client and server versions match. */
	public static Optional<Path> etcdctl(Path etcd) {
		return find("ETCDCTL_BINARY", "etcdctl", etcd == null ? null : etcd.resolveSibling("etcdctl"));
	}

	private static Optional<Path> find(String envVariable, String executable, Path preferred) {
		String explicit = System.getenv(envVariable);
		if (explicit != null && !explicit.isBlank()) {
			Path path = Path.of(explicit);
			// A wrong explicit setting should fail loudly instead of silently testing another binary.
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException(envVariable + "=" + explicit + " is not an executable file");
			}
			return Optional.of(path);
		}
		List<Path> candidates = new ArrayList<>();
		if (preferred != null) {
			candidates.add(preferred);
		}
		String pathVariable = System.getenv("PATH");
		if (pathVariable != null) {
			for (String dir : pathVariable.split(File.pathSeparator)) {
				if (!dir.isBlank()) {
					candidates.add(Path.of(dir, executable));
				}
			}
		}
		candidates.add(Path.of("/usr/bin", executable));
		candidates.add(Path.of("/usr/local/bin", executable));
		return candidates.stream().filter(Files::isRegularFile).filter(Files::isExecutable).findFirst();
	}

}
