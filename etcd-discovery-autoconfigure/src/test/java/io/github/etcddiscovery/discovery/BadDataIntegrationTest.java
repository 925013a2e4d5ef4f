package io.github.etcddiscovery.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.etcddiscovery.testapp.TestApps;
import io.github.etcddiscovery.testapp.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd is shared: whatever other writers leave under the prefix, discovery of the good
 * instances goes on, and each bad key is warned about once.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadDataIntegrationTest {

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	/** Key suffix under the prefix, and the bytes another writer put there. */
	private Map<String, byte[]> badData() {
		byte[] huge = new byte[1024 * 1024];
		Arrays.fill(huge, (byte) '{');
		Map<String, byte[]> bad = new LinkedHashMap<>();
		bad.put("/order/binary", new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3 });
		bad.put("/order/huge", huge);
		bad.put("/order/truncated-json", text("{\"host\":\"127.0.0.1\",\"port\":80"));
		bad.put("/order/port-is-text", text("{\"host\":\"127.0.0.1\",\"port\":\"eighty\"}"));
		bad.put("/order/host-is-number", text("{\"host\":12,\"port\":80}"));
		bad.put("/order/metadata-is-array", text("{\"host\":\"h\",\"port\":80,\"metadata\":[1,2]}"));
		bad.put("/order/port-out-of-range", text("{\"host\":\"h\",\"port\":65536}"));
		bad.put("/order/no-port", text("{\"host\":\"h\"}"));
		bad.put("/order/empty", new byte[0]);
		bad.put("/order/json-array", text("[\"127.0.0.1:80\"]"));
		bad.put("/order/go-delete-op", text("{\"Op\":1,\"Addr\":\"127.0.0.1:80\"}"));
		bad.put("/order/prose", text("hello world"));
		bad.put("/order", text("127.0.0.1:80"));
		bad.put("/order/too/deep", text("127.0.0.1:80"));
		bad.put("//empty-service", text("127.0.0.1:80"));
		return bad;
	}

	@Test
	void goodInstancesAreDiscoveredNextToEveryKindOfBadDataAndEachBadKeyIsWarnedOnce(CapturedOutput output) {
		String prefix = this.apps.prefix();
		badData().forEach((key, value) -> this.apps.etcd().put(prefix + key, value));
		this.apps.etcd().put(prefix + "/order/good-1", "127.0.0.1:3001");

		ConfigurableApplicationContext app = this.apps.start("caller");
		EtcdDiscoveryClient discovery = app.getBean(EtcdDiscoveryClient.class);
		// Written again while watching: the watch path must be as tolerant as the listing.
		badData().forEach((key, value) -> this.apps.etcd().put(prefix + key, value));
		this.apps.etcd().put(prefix + "/order/good-2", "{\"host\":\"127.0.0.1\",\"port\":3002}");

		await().until(() -> discovery.getInstances("order").size() == 2);
		assertThat(discovery.getInstances("order")).extracting(ServiceInstance::getPort)
			.containsExactlyInAnyOrder(3001, 3002);
		assertThat(discovery.getServices()).containsExactlyInAnyOrder("caller", "order");
		for (String key : badData().keySet()) {
			assertThat(Text.occurrences(output.getOut(), "Skipping etcd key '" + prefix + key + "'"))
				.as("warnings about %s", key)
				.isEqualTo(1);
		}
	}

	private static byte[] text(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
