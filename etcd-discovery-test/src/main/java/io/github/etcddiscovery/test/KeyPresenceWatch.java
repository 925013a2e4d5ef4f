package io.github.etcddiscovery.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, through one etcd member, when a key is deleted and put again: an etcdctl watch
 * running in the router namespace of a {@link NetworkNamespaces}, each event timestamped by
 * this JVM as it arrives. Watching through a member that keeps its quorum shows what every
 * healthy client would see.
 */
public final class KeyPresenceWatch implements AutoCloseable {

	private final String key;

	private final Process process;

	private final Thread reader;

	private final List<long[]> absences = new ArrayList<>();

	private long deletedAt = -1;

	private KeyPresenceWatch(String key, Process process) {
		this.key = key;
		this.process = process;
		this.reader = new Thread(this::read, "key-presence-" + key);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** Starts watching {@code key} through the member in {@code leaf}, from now on. */
	public static KeyPresenceWatch start(NetnsEtcdCluster cluster, String leaf, String key) {
		return new KeyPresenceWatch(key, cluster.startEtcdctl(leaf, "watch", key));
	}

	/** The longest time the key was absent so far (still absent counts up to now). */
	public synchronized Duration longestAbsence() {
		long longest = 0;
		for (long[] absence : this.absences) {
			longest = Math.max(longest, absence[1] - absence[0]);
		}
		if (this.deletedAt >= 0) {
			longest = Math.max(longest, System.nanoTime() - this.deletedAt);
		}
		return Duration.ofNanos(longest);
	}

	/** How many times the key was deleted. */
	public synchronized int deletions() {
		return this.absences.size() + ((this.deletedAt >= 0) ? 1 : 0);
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				long now = System.nanoTime();
				if (line.equals("DELETE")) {
					deleted(now);
				}
				else if (line.equals("PUT")) {
					put(now);
				}
			}
		}
		catch (IOException ex) {
			// The watch was closed.
		}
	}

	private synchronized void deleted(long at) {
		if (this.deletedAt < 0) {
			this.deletedAt = at;
		}
	}

	private synchronized void put(long at) {
		if (this.deletedAt >= 0) {
			this.absences.add(new long[] { this.deletedAt, at });
			this.deletedAt = -1;
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	@Override
	public String toString() {
		return "watch on " + this.key;
	}

}
