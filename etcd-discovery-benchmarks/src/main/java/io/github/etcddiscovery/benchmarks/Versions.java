package io.github.etcddiscovery.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions a run measured, read from the jars and binaries themselves.
 */
final class Versions {

	private Versions() {
	}

	/** Implementation-Version of the jar of a class, or its file name's version. */
	static String ofJar(String className) {
		try {
			Class<?> type = Class.forName(className);
			String version = type.getPackage().getImplementationVersion();
			if (version != null) {
				return version;
			}
			String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
			Matcher matcher = Pattern.compile("-(\\d[^/]*?)\\.jar$").matcher(location);
			return matcher.find() ? matcher.group(1) : "?";
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return "?";
		}
	}

	static String etcd() {
		try {
			Process process = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			Matcher matcher = Pattern.compile("etcd Version: (\\S+)").matcher(out);
			return matcher.find() ? matcher.group(1) : "?";
		}
		catch (IOException ex) {
			return "?";
		}
	}

	static String zookeeper() {
		return ofJar("org.apache.zookeeper.ZooKeeper");
	}

}
