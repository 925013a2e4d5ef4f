package io.github.etcddiscovery.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single-member etcd in Docker, for tests on machines with Docker and no etcd binary. Put
 * {@code @ServiceConnection} on a field or bean of this type and the starter connects to it
 * (the autoconfigure module's {@code EtcdContainerConnectionDetailsFactory} matches the
 * image); or pass {@link #clientEndpoint()} to {@code spring.cloud.etcd.endpoints}.
 */
public class EtcdTestContainer extends GenericContainer<EtcdTestContainer> {

	/** The image used when none is given; {@code ETCD_TEST_IMAGE} overrides it, for mirrors. */
	public static final String DEFAULT_IMAGE = System.getenv()
		.getOrDefault("ETCD_TEST_IMAGE", "gcr.io/etcd-development/etcd:v3.5.17");

	/** The client port inside the container. */
	public static final int CLIENT_PORT = 2379;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	public EtcdTestContainer() {
		this(DockerImageName.parse(DEFAULT_IMAGE));
	}

	public EtcdTestContainer(DockerImageName image) {
		this(image, "etcd", List.of());
	}

	EtcdTestContainer(DockerImageName image, String name, List<String> extraArgs) {
		super(image);
		List<String> command = new ArrayList<>(List.of("/usr/local/bin/etcd", "--name=" + name,
				"--data-dir=/tmp/etcd-data", "--listen-client-urls=http://0.0.0.0:" + CLIENT_PORT,
				"--advertise-client-urls=http://127.0.0.1:" + CLIENT_PORT, "--listen-peer-urls=http://127.0.0.1:2380",
				"--initial-advertise-peer-urls=http://127.0.0.1:2380",
				"--initial-cluster=" + name + "=http://127.0.0.1:2380", "--logger=zap", "--log-level=warn",
				"--heartbeat-interval=50", "--election-timeout=500"));
		command.addAll(extraArgs);
		withExposedPorts(CLIENT_PORT);
		withCommand(command.toArray(String[]::new));
		waitingFor(Wait.forHttp("/health").forPort(CLIENT_PORT).forStatusCode(200).withStartupTimeout(START_TIMEOUT));
	}

	/** The client URL as seen from the test, e.g. {@code http://localhost:32771}. */
	public String clientEndpoint() {
		return "http://" + getHost() + ":" + getMappedPort(CLIENT_PORT);
	}

}
