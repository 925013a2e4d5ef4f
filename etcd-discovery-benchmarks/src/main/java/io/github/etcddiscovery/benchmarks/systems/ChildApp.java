package io.github.etcddiscovery.benchmarks.systems;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.etcddiscovery.benchmarks.app.BenchApp;

/**
 * A {@link BenchApp} in a JVM of its own, for the figures that need a whole process: how long
 * it takes to start, and what a SIGKILL does to its callers.
 */
public final class ChildApp implements AutoCloseable {

	private final Process process;

	private final long readyAfterNanos;

	private ChildApp(Process process, long readyAfterNanos) {
		this.process = process;
		this.readyAfterNanos = readyAfterNanos;
	}

	/** Starts a JVM with these properties and returns once the application is ready. */
	public static ChildApp start(List<String> properties, String... jvmOptions) throws Exception {
		return start(BenchApp.class, properties.stream().map(p -> "--" + p).toList(), jvmOptions);
	}

	/**
	 * Starts a JVM running {@code main} (on this class path) with these arguments and returns
	 * once it printed {@link BenchApp#READY}.
	 */
	public static ChildApp start(Class<?> main, List<String> arguments, String... jvmOptions) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Djava.net.preferIPv4Stack=true", "-Dbench.print-ready=true"));
		command.addAll(List.of(jvmOptions));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
		command.addAll(arguments);
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		long deadline = start + TimeUnit.SECONDS.toNanos(120);
		for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
			if (line.contains(BenchApp.READY)) {
				long ready = System.nanoTime() - start;
				// Keep reading, so that a chatty application never blocks on a full pipe, until
				// the process is gone (its pipe then closes under the reader: nothing to report).
				Thread drain = new Thread(() -> drain(out), "bench-child-output");
				drain.setDaemon(true);
				drain.start();
				return new ChildApp(process, ready);
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("The application never became ready");
	}

	private static void drain(BufferedReader out) {
		try {
			while (out.readLine() != null) {
				// Discarded.
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
	}

	public long readyAfterNanos() {
		return this.readyAfterNanos;
	}

	/** SIGKILL: the process gets no chance to deregister. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(20, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			kill();
		}
	}

}
