package io.github.etcddiscovery.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;

/**
 * Plain etcd access for tests: what another writer, or an operator, does to the keyspace.
 */
public final class EtcdTestClient implements AutoCloseable {

	private final Client client;

	public EtcdTestClient(String endpoint) {
		this.client = Client.builder().endpoints(endpoint).build();
	}

	public void put(String key, String value) {
		put(key, value.getBytes(StandardCharsets.UTF_8));
	}

	public void put(String key, byte[] value) {
		get(this.client.getKVClient().put(bytes(key), ByteSequence.from(value)));
	}

	public void delete(String key) {
		get(this.client.getKVClient().delete(bytes(key)));
	}

	public List<String> keys(String prefix) {
		return get(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).withKeysOnly(true).build()))
			.getKvs()
			.stream()
			.map(kv -> kv.getKey().toString(StandardCharsets.UTF_8))
			.toList();
	}

	public KeyValue keyValue(String key) {
		List<KeyValue> kvs = get(this.client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	public String value(String key) {
		KeyValue kv = keyValue(key);
		return (kv != null) ? kv.getValue().toString(StandardCharsets.UTF_8) : null;
	}

	public Client jetcd() {
		return this.client;
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	private static <T> T get(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
