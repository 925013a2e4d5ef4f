package io.github.etcddiscovery.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.etcddiscovery.test.EtcdServer;
import io.github.etcddiscovery.test.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample after Spring AOT processing ({@code process-aot} in this module's build),
 * started in AOT mode as a native image would run it: two instances register in a real etcd
 * and one calls the other by service name through its load-balanced clients.
 */
class SampleAotIT {

	private static final Pattern PORT = Pattern.compile("\"port\":(\\d+)");

	private static final Pattern INSTANCE = Pattern.compile("\"instance\":\"([^\"]+)\"");

	private final List<Process> processes = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
	}

	@Test
	void aotProcessedSampleRegistersAndCallsAPeerByName() throws Exception {
		EtcdServer etcd = SharedEtcd.get();
		String prefix = SharedEtcd.uniquePrefix("aot");
		Path first = start(etcd, prefix, "first");
		Path second = start(etcd, prefix, "second");

		List<Integer> ports = await().atMost(Duration.ofSeconds(90)).until(() -> ports(etcd, prefix),
				(found) -> found.size() == 2);

		assertThat(Files.readString(first)).contains("Starting AOT-processed SampleApplication");
		assertThat(Files.readString(second)).contains("Starting AOT-processed SampleApplication");
		Set<String> reached = new HashSet<>();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Matcher instance = INSTANCE.matcher(get(ports.get(0), "/call/sample-app"));
			assertThat(instance.find()).isTrue();
			reached.add(instance.group(1));
			assertThat(reached).hasSize(2);
		});
		assertThat(get(ports.get(1), "/call-reactive/sample-app")).contains("\"service\":\"sample-app\"");
	}

	private Path start(EtcdServer etcd, String prefix, String name) throws IOException {
		Path log = Files.createTempFile("sample-aot-" + name, ".log");
		String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
				+ Files.readString(Path.of("target/runtime-classpath.txt")).strip();
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-Djava.net.preferIPv4Stack=true", "-cp", classpath,
				SampleApplication.class.getName(), "--server.port=0",
				"--spring.cloud.etcd.endpoints=" + etcd.clientEndpoint(),
				"--spring.cloud.etcd.discovery.host=127.0.0.1", "--spring.cloud.etcd.discovery.prefix=" + prefix,
				"--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		this.processes.add(builder.start());
		return log;
	}

	private static List<Integer> ports(EtcdServer etcd, String prefix) {
		List<Integer> ports = new ArrayList<>();
		Matcher matcher = PORT.matcher(etcd.etcdctl("get", "--prefix", "--print-value-only", prefix + "/"));
		while (matcher.find()) {
			ports.add(Integer.parseInt(matcher.group(1)));
		}
		return ports;
	}

	private String get(int port, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
	}

}
