package io.github.etcddiscovery.testapp;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.options.WatchOption;

import static org.awaitility.Awaitility.await;

/**
 * When a plain etcd watch saw each key first written and first deleted: the moment a
 * registration or a deregistration happened, as any watcher of etcd can know it.
 */
public final class EtcdEvents implements AutoCloseable {

	private final Map<String, Long> firstPut = new ConcurrentHashMap<>();

	private final Map<String, Long> firstDelete = new ConcurrentHashMap<>();

	private final Watch.Watcher watcher;

	public EtcdEvents(Client client, String prefix) {
		ByteSequence key = ByteSequence.from(prefix + "/", StandardCharsets.UTF_8);
		this.watcher = client.getWatchClient()
			.watch(key, WatchOption.builder().isPrefix(true).build(), Watch.listener(response -> {
				long now = System.nanoTime();
				for (WatchEvent event : response.getEvents()) {
					String changed = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
					(event.getEventType() == WatchEvent.EventType.PUT ? this.firstPut : this.firstDelete)
						.putIfAbsent(changed, now);
				}
			}));
	}

	/** Waits for the key's first write, and returns when the watch saw it ({@link System#nanoTime()}). */
	public long awaitPut(String key) {
		return await().until(() -> this.firstPut.get(key), at -> at != null);
	}

	/** Waits for the key's deletion, and returns when the watch saw it. */
	public long awaitDelete(String key) {
		return await().until(() -> this.firstDelete.get(key), at -> at != null);
	}

	@Override
	public void close() {
		this.watcher.close();
	}

}
