package io.github.etcddiscovery.benchmarks.scenarios;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.PutResponse;
import io.github.etcddiscovery.instance.EtcdInstanceCodec;
import io.github.etcddiscovery.registry.EtcdRegistration;

/**
 * Writes a large registry into etcd the way registrations do (one key per instance, the
 * starter's own encoding), and changes it again, for the scale figures.
 */
final class ScaleData {

	static final int INSTANCES_PER_SERVICE = 10;

	private final Client client;

	private final EtcdInstanceCodec codec;

	private final int services;

	private long bytes;

	ScaleData(Client client, String prefix, int services) {
		this.client = client;
		this.codec = new EtcdInstanceCodec(prefix);
		this.services = services;
	}

	int instances() {
		return this.services * INSTANCES_PER_SERVICE;
	}

	/** Key and value bytes written, as etcd holds them. */
	long bytes() {
		return this.bytes;
	}

	/**
	 * Puts every instance, 100 writes in flight at most; a write that a loaded etcd times out
	 * is sent again (the same key and value: harmless).
	 */
	void writeAll() throws Exception {
		List<int[]> batch = new ArrayList<>();
		for (int s = 0; s < this.services; s++) {
			for (int i = 0; i < INSTANCES_PER_SERVICE; i++) {
				batch.add(new int[] { s, i });
				if (batch.size() == 100) {
					writeBatch(batch);
					batch.clear();
				}
			}
		}
		writeBatch(batch);
	}

	private void writeBatch(List<int[]> batch) throws Exception {
		for (int attempt = 1;; attempt++) {
			List<CompletableFuture<PutResponse>> inFlight = new ArrayList<>();
			for (int[] si : batch) {
				inFlight.add(put(si[0], si[1], 0, attempt == 1));
			}
			try {
				CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				return;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (attempt == 5) {
					throw ex;
				}
			}
		}
	}

	/** Re-puts one instance with a new version in its metadata: one change event. */
	CompletableFuture<PutResponse> put(int service, int instance, long version) {
		return put(service, instance, version, false);
	}

	private CompletableFuture<PutResponse> put(int service, int instance, long version, boolean count) {
		String serviceId = "service-" + service;
		String instanceId = serviceId + "-" + instance;
		byte[] value = this.codec.encode(new EtcdRegistration(serviceId, instanceId, "127.0.0.1", 20_000 + instance,
				false, Map.of("version", Long.toString(version), "zone", "zone-" + (instance % 3)))
			.toInstance());
		String key = this.codec.key(serviceId, instanceId);
		if (count) {
			this.bytes += key.getBytes(StandardCharsets.UTF_8).length + value.length;
		}
		return this.client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value));
	}

	int services() {
		return this.services;
	}

}
