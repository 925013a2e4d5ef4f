package io.github.etcddiscovery.benchmarks.scenarios;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;

import static org.awaitility.Awaitility.await;

/**
 * etcd alone, the floor under every propagation figure: a plain jetcd client writes one key
 * and a plain jetcd watch on it sees the event. Nothing of this starter is involved. The
 * caller decides what precedes each write: {@link Propagation} pauses before each, as it
 * does before each registration and deregistration it measures.
 * <p>
 * The same write may also be watched by other plain watches, each on a client of its own, as
 * the benchmark's applications each watch every change with a client of their own: the
 * event is then timed at one watch among several, on the same shared cores.
 */
final class RawWatch implements AutoCloseable {

	private final Client client;

	private final ByteSequence key;

	private final AtomicLong seenAt = new AtomicLong();

	private final List<Watch.Watcher> watchers = new ArrayList<>();

	private long lease;

	/** {@code client} writes the key and times the event. */
	RawWatch(Client client, String key) {
		this(client, client, List.of(), key);
	}

	/**
	 * {@code writer} writes the key, {@code timed} times the event, and each of {@code alsoWatching}
	 * watches it too, untimed.
	 */
	RawWatch(Client writer, Client timed, List<Client> alsoWatching, String key) {
		this.client = writer;
		this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
		for (Client other : alsoWatching) {
			this.watchers.add(other.getWatchClient().watch(this.key, Watch.listener(response -> {
			})));
		}
		this.watchers.add(timed.getWatchClient()
			.watch(this.key, WatchOption.builder().build(), Watch.listener(response -> {
				if (!response.getEvents().isEmpty()) {
					this.seenAt.set(System.nanoTime());
				}
			})));
	}

	/**
	 * lease grant + put with it -> watch event, in nanoseconds, as a registration does. The
	 * key stays, under its lease, for {@link #delete}.
	 */
	long grantAndPut() throws Exception {
		this.seenAt.set(0);
		long start = System.nanoTime();
		this.lease = this.client.getLeaseClient().grant(10).get(5, TimeUnit.SECONDS).getID();
		this.client.getKVClient()
			.put(this.key, value(), PutOption.builder().withLeaseId(this.lease).build())
			.get(5, TimeUnit.SECONDS);
		return seen() - start;
	}

	/**
	 * delete of the key {@link #grantAndPut} wrote -> watch event, in nanoseconds, as a graceful
	 * deregistration does: its lease is revoked once the delete is answered, untimed.
	 */
	long delete() throws Exception {
		this.seenAt.set(0);
		long start = System.nanoTime();
		this.client.getKVClient().delete(this.key).get(5, TimeUnit.SECONDS);
		long latency = seen() - start;
		this.client.getLeaseClient().revoke(this.lease).get(5, TimeUnit.SECONDS);
		return latency;
	}

	private long seen() {
		return await().pollInterval(1, TimeUnit.MILLISECONDS).until(this.seenAt::get, at -> at != 0);
	}

	private static ByteSequence value() {
		return ByteSequence.from(Long.toString(System.nanoTime()), StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.watchers.forEach(Watch.Watcher::close);
	}

}
