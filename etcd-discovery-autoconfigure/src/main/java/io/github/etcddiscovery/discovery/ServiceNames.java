package io.github.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.github.etcddiscovery.client.EtcdFutures;

/**
 * The ids of the services under the prefix, read from etcd without holding them: what
 * {@code getServices()} answers with {@code watch=per-service}. The read is keys-only (no
 * values), in pages of {@value #PAGE_SIZE} keys, and each page skips the rest of the keys
 * of the last service it saw ({@code <prefix><service>/} is followed in key order by
 * {@code <prefix><service>0}), so a call costs about one key per service plus one page per
 * {@value #PAGE_SIZE} services: a few requests and tens of bytes per instance at most.
 * Every request is bounded by the request timeout.
 */
final class ServiceNames {

	static final int PAGE_SIZE = 5000;

	private final Client client;

	private final String prefix;

	private final ByteSequence prefixEnd;

	private final Duration requestTimeout;

	ServiceNames(Client client, String prefix, Duration requestTimeout) {
		this.client = client;
		this.prefix = prefix;
		this.prefixEnd = OptionsUtil.prefixEndOf(bytes(prefix));
		this.requestTimeout = requestTimeout;
	}

	/**
	 * The service ids, one spelling per id ignoring case (the first in key order), sorted by
	 * their canonical form; every spelling is in {@code spellings}.
	 * @throws RuntimeException when etcd does not answer (see {@link EtcdFutures})
	 */
	Listed list() {
		Map<String, String> byCanonical = new TreeMap<>();
		List<String> spellings = new ArrayList<>();
		GetOption option = GetOption.builder()
			.withRange(this.prefixEnd)
			.withKeysOnly(true)
			.withLimit(PAGE_SIZE)
			.withSortField(GetOption.SortTarget.KEY)
			.withSortOrder(GetOption.SortOrder.ASCEND)
			.build();
		ByteSequence from = bytes(this.prefix);
		long revision = 0;
		while (true) {
			GetResponse page = EtcdFutures.await(this.client.getKVClient().get(from, option), this.requestTimeout,
					"Listing the services under " + this.prefix);
			revision = Math.max(revision, page.getHeader().getRevision());
			String last = null;
			for (KeyValue kv : page.getKvs()) {
				String service = serviceOf(kv.getKey().toString(StandardCharsets.UTF_8));
				if (service != null && !service.equals(last)) {
					last = service;
					spellings.add(service);
					byCanonical.putIfAbsent(ServiceView.canonical(service), service);
				}
			}
			if (!page.isMore() || last == null) {
				break;
			}
			// '0' follows '/': the first key after every key of the last service seen.
			from = bytes(this.prefix + last + "0");
		}
		return new Listed(revision, List.copyOf(byCanonical.values()), Collections.unmodifiableList(spellings));
	}

	/**
	 * Whether this user may read the prefix: one count-only request, no keys sent.
	 * @return etcd's revision
	 */
	long check() {
		GetResponse count = EtcdFutures.await(
				this.client.getKVClient()
					.get(bytes(this.prefix), GetOption.builder().withRange(this.prefixEnd).withCountOnly(true).build()),
				this.requestTimeout, "Reading " + this.prefix);
		return count.getHeader().getRevision();
	}

	private String serviceOf(String key) {
		if (!key.startsWith(this.prefix)) {
			return null;
		}
		int slash = key.indexOf('/', this.prefix.length());
		return (slash > this.prefix.length()) ? key.substring(this.prefix.length(), slash) : null;
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * @param revision etcd's revision when it answered
	 * @param services one spelling per service id ignoring case
	 * @param spellings every spelling seen
	 */
	record Listed(long revision, List<String> services, List<String> spellings) {
	}

}
