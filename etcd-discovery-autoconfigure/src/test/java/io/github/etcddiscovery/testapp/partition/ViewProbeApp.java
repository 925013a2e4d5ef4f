package io.github.etcddiscovery.testapp.partition;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.instance.EtcdServiceInstance;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application that runs as its own JVM inside a network namespace, where the test JVM
 * cannot reach it, and tells what partition tests need over HTTP (read with curl from inside
 * the namespace): its discovery view and when that last changed, by this machine's clock.
 * Health comes from {@code /actuator/health/etcd} as usual.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class ViewProbeApp {

	public static void main(String[] args) {
		SpringApplication.run(ViewProbeApp.class, args);
	}

	@RestController
	static class ViewController {

		private final EtcdDiscoveryCache cache;

		private volatile long changedAt = System.currentTimeMillis();

		ViewController(EtcdDiscoveryCache cache) {
			this.cache = cache;
			cache.addListener((services) -> this.changedAt = System.currentTimeMillis());
		}

		/** {@code {"changedAt": epochMillis, "services": {"billing": ["billing-1", ...]}}}, sorted. */
		@GetMapping("/view")
		Map<String, Object> view() {
			long at = this.changedAt;
			Map<String, List<String>> services = new TreeMap<>();
			for (String service : this.cache.services()) {
				services.put(service,
						this.cache.instances(service).stream().map(EtcdServiceInstance::getInstanceId).sorted().toList());
			}
			return Map.of("changedAt", at, "services", services);
		}

	}

}
