package io.github.etcddiscovery.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.github.etcddiscovery.client.EtcdFutures;
import org.apache.commons.logging.Log;

/**
 * Reads every context in use in one etcd transaction of reads, at one revision, so that what
 * one transaction wrote is in a snapshot whole or not at all.
 * Bad keys are skipped with one warning each (again only when rewritten), naming the key and
 * why, never the value.
 */
public class EtcdConfigReader {

	private final Client client;

	private final List<String> contexts;

	private final EtcdConfigCodec codec;

	private final Duration timeout;

	private final Log logger;

	private final Set<String> warned = new HashSet<>();

	public EtcdConfigReader(Client client, List<String> contexts, EtcdConfigCodec codec, Duration timeout, Log logger) {
		this.client = client;
		this.contexts = List.copyOf(contexts);
		this.codec = codec;
		this.timeout = timeout;
		this.logger = logger;
	}

	public List<String> contexts() {
		return this.contexts;
	}

	/**
	 * @throws io.github.etcddiscovery.client.EtcdUnavailableException when etcd does not answer
	 * @throws io.github.etcddiscovery.client.EtcdAccessException when etcd refuses
	 */
	public EtcdConfigSnapshot read() {
		return read(this.timeout);
	}

	/** With a timeout of its own: the first read also waits for the connection to be made. */
	public synchronized EtcdConfigSnapshot read(Duration timeout) {
		List<Op> gets = new ArrayList<>();
		for (String context : this.contexts) {
			String documentKey = this.codec.documentKey(context);
			GetOption.Builder option = GetOption.builder();
			if (documentKey == null) {
				option.withRange(OptionsUtil.prefixEndOf(bytes(context)));
			}
			gets.add(Op.get(bytes((documentKey != null) ? documentKey : context), option.build()));
		}
		// One transaction of reads: one round trip, one revision for every context.
		TxnResponse response = EtcdFutures.await(
				this.client.getKVClient().txn().Then(gets.toArray(Op[]::new)).commit(), timeout,
				"Reading " + String.join(", ", this.contexts));
		Map<String, Map<String, Object>> byContext = new LinkedHashMap<>();
		Set<String> badNow = new HashSet<>();
		for (int i = 0; i < this.contexts.size(); i++) {
			String context = this.contexts.get(i);
			Map<String, byte[]> entries = new LinkedHashMap<>();
			Map<String, Long> modRevisions = new LinkedHashMap<>();
			for (KeyValue kv : response.getGetResponses().get(i).getKvs()) {
				String name = kv.getKey().toString(StandardCharsets.UTF_8);
				entries.put(name, kv.getValue().getBytes());
				modRevisions.put(name, kv.getModRevision());
			}
			EtcdConfigCodec.Decoded decoded = this.codec.decode(context, entries);
			for (EtcdConfigCodec.Skipped skipped : decoded.skipped()) {
				String once = skipped.key() + "@" + modRevisions.get(skipped.key());
				badNow.add(once);
				if (this.warned.add(once)) {
					this.logger.warn("Skipping etcd key '" + skipped.key() + "' in the configuration: "
							+ skipped.reason());
				}
			}
			byContext.put(context, decoded.properties());
		}
		this.warned.retainAll(badNow);
		return EtcdConfigSnapshot.of(response.getHeader().getRevision(), byContext);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
