package io.github.etcddiscovery.mirror;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.etcddiscovery.client.EtcdFutures;
import io.github.etcddiscovery.client.EtcdWatchErrors;
import org.jspecify.annotations.Nullable;

/**
 * The requests of a {@link PrefixMirror}, made with jetcd: every one bounded by the request
 * timeout, so that none can hang the mirror's thread.
 */
public final class EtcdPrefixSource implements PrefixSource {

	private static final int PAGE_SIZE = 500;

	private final Client client;

	private final String prefix;

	private final ByteSequence prefixBytes;

	private final ByteSequence prefixEnd;

	private final Duration requestTimeout;

	public EtcdPrefixSource(Client client, String prefix, Duration requestTimeout) {
		this.client = client;
		this.prefix = prefix;
		this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
		this.prefixEnd = OptionsUtil.prefixEndOf(this.prefixBytes);
		this.requestTimeout = requestTimeout;
	}

	@Override
	public String prefix() {
		return this.prefix;
	}

	@Override
	public Page listPage(byte @Nullable [] from, long revision) {
		GetOption option = GetOption.builder()
			.withRange(this.prefixEnd)
			.withLimit(PAGE_SIZE)
			.withSortField(GetOption.SortTarget.KEY)
			.withSortOrder(GetOption.SortOrder.ASCEND)
			.withRevision(revision)
			.build();
		ByteSequence start = (from != null) ? ByteSequence.from(from) : this.prefixBytes;
		GetResponse page = EtcdFutures.await(this.client.getKVClient().get(start, option), this.requestTimeout,
				"Listing " + this.prefix);
		List<MirrorEntry> entries = new ArrayList<>(page.getKvs().size());
		for (KeyValue kv : page.getKvs()) {
			entries.add(entry(kv));
		}
		byte[] next = null;
		if (page.isMore() && !page.getKvs().isEmpty()) {
			// The smallest key after the last one of this page.
			byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
			next = new byte[last.length + 1];
			System.arraycopy(last, 0, next, 0, last.length);
		}
		return new Page(page.getHeader().getRevision(), entries, next);
	}

	@Override
	public Probe changedAfter(long revision) {
		GetResponse newer = get(GetOption.builder()
			.withRange(this.prefixEnd)
			.withKeysOnly(true)
			.withLimit(1)
			.withMinModRevision(revision + 1)
			.build());
		return new Probe(newer.getHeader().getRevision(), !newer.getKvs().isEmpty());
	}

	@Override
	public long countAt(long revision) {
		try {
			return get(GetOption.builder().withRange(this.prefixEnd).withCountOnly(true).withRevision(revision).build())
				.getCount();
		}
		catch (RuntimeException ex) {
			if (String.valueOf(ex.getMessage()).contains("compacted")) {
				return -1;
			}
			throw ex;
		}
	}

	/**
	 * Watches with require-leader: a member that loses its leader ends the watch (with "no
	 * leader", after a few election timeouts) instead of silently sending nothing, and a
	 * member without a leader refuses it at once; either way the mirror lists again, and the
	 * next listing and watch go to the next endpoint (see
	 * {@code io.github.etcddiscovery.client.EtcdClientFactory}).
	 */
	@Override
	public Watching watch(long fromRevision, WatchHandler handler) {
		WatchOption option = WatchOption.builder()
			.withPrefix(this.prefixBytes)
			.withRevision(fromRevision)
			.withCreateNotify(true)
			.withRequireLeader(true)
			.build();
		Watch.Watcher watcher = this.client.getWatchClient()
			.watch(this.prefixBytes, option, Watch.listener(response -> handler.events(
					response.getHeader().getRevision(), events(response)), error -> {
						if (EtcdWatchErrors.endsTheWatch(error)) {
							handler.ended(String.valueOf(error.getMessage()));
						}
						else {
							// jetcd resumes the watch from its last revision by itself.
							handler.interrupted(String.valueOf(error.getMessage()));
						}
					}, () -> handler.ended("the watch completed")));
		return watcher::close;
	}

	private GetResponse get(GetOption option) {
		return EtcdFutures.await(this.client.getKVClient().get(this.prefixBytes, option), this.requestTimeout,
				"Checking " + this.prefix);
	}

	private static List<MirrorEvent> events(WatchResponse response) {
		List<MirrorEvent> events = new ArrayList<>(response.getEvents().size());
		for (WatchEvent event : response.getEvents()) {
			MirrorEvent.Type type = switch (event.getEventType()) {
				case PUT -> MirrorEvent.Type.PUT;
				case DELETE -> MirrorEvent.Type.DELETE;
				default -> null;
			};
			if (type != null) {
				events.add(new MirrorEvent(type, entry(event.getKeyValue())));
			}
		}
		return events;
	}

	private static MirrorEntry entry(KeyValue kv) {
		return new MirrorEntry(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
				kv.getModRevision());
	}

}
