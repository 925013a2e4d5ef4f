package io.github.etcddiscovery.benchmarks.scenarios;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * etcd's own Prometheus {@code /metrics}, read from its client URL on loopback: the few
 * series the fleet figure compares (CPU seconds, resident memory, bytes sent to clients,
 * watchers).
 */
record EtcdMetrics(double cpuSeconds, double residentBytes, double sentBytes, double watchers) {

	static EtcdMetrics read(String clientEndpoint) throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String body = http.send(HttpRequest.newBuilder(URI.create(clientEndpoint + "/metrics"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
		Map<String, Double> sums = new HashMap<>();
		for (String line : body.split("\n")) {
			if (line.startsWith("#") || line.isBlank()) {
				continue;
			}
			int space = line.lastIndexOf(' ');
			String series = line.substring(0, space);
			int brace = series.indexOf('{');
			String name = (brace >= 0) ? series.substring(0, brace) : series;
			sums.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
		}
		return new EtcdMetrics(sums.getOrDefault("process_cpu_seconds_total", Double.NaN),
				sums.getOrDefault("process_resident_memory_bytes", Double.NaN),
				sums.getOrDefault("etcd_network_client_grpc_sent_bytes_total", Double.NaN),
				sums.getOrDefault("etcd_debugging_mvcc_watcher_total", Double.NaN));
	}

}
