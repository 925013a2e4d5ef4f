package io.github.etcddiscovery.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.lease.LeaseSnapshot;
import io.github.etcddiscovery.registry.EtcdAutoServiceRegistration;
import io.github.etcddiscovery.registry.EtcdRegistration;
import io.github.etcddiscovery.registry.EtcdServiceRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/etcd}: the registry as this application sees it, for an operator who wants
 * more than a health status. Its own registration (key, lease, TTL left, state, status,
 * metadata) and every service of the discovery view with its instances; {@code /{serviceId}}
 * for one service. Read-only, from memory (no etcd call), never credentials.
 */
@Endpoint(id = "etcd")
public class EtcdEndpoint {

	private final @Nullable EtcdServiceRegistry registry;

	private final @Nullable EtcdAutoServiceRegistration autoRegistration;

	private final @Nullable EtcdDiscoveryCache cache;

	public EtcdEndpoint(@Nullable EtcdServiceRegistry registry, @Nullable EtcdAutoServiceRegistration autoRegistration,
			@Nullable EtcdDiscoveryCache cache) {
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.cache = cache;
	}

	@ReadOperation
	public RegistryDescriptor registry() {
		return new RegistryDescriptor(registration(), view());
	}

	/** One service of the view; 404 when the view has no instance of it. */
	@ReadOperation
	public @Nullable ServiceDescriptor service(@Selector String serviceId) {
		if (this.cache == null) {
			return null;
		}
		List<EtcdServiceInstance> instances = this.cache.instances(serviceId);
		if (instances.isEmpty()) {
			return null;
		}
		return new ServiceDescriptor(instances.get(0).getServiceId(), this.cache.getRevision(),
				instances.stream().map(InstanceDescriptor::of).toList());
	}

	private @Nullable RegistrationDescriptor registration() {
		if (this.registry == null || this.autoRegistration == null) {
			return null;
		}
		EtcdRegistration registration = this.autoRegistration.getRegistration();
		LeaseSnapshot lease = this.registry.lease(registration).orElse(null);
		return new RegistrationDescriptor(registration.getServiceId(), registration.getInstanceId(),
				registration.getHost(), registration.getPort(), registration.getStatus(),
				Map.copyOf(registration.getMetadata()), (lease != null) ? lease.key() : null,
				(lease != null) ? Long.toHexString(lease.leaseId()) : null,
				(lease != null) ? lease.ttl().toSeconds() : null,
				(lease != null) ? lease.remainingTtl().toMillis() / 1000.0 : null,
				(lease != null) ? lease.state().name() : "NOT_REGISTERED", (lease != null) ? lease.recoveries() : 0,
				(lease != null) ? lease.lastError() : null);
	}

	private @Nullable ViewDescriptor view() {
		if (this.cache == null) {
			return null;
		}
		Map<String, List<InstanceDescriptor>> services = new LinkedHashMap<>();
		for (String service : this.cache.services().stream().sorted().toList()) {
			services.put(service, this.cache.instances(service).stream().map(InstanceDescriptor::of).toList());
		}
		return new ViewDescriptor(this.cache.getRevision(), this.cache.isConnected(), services);
	}

	/** The whole answer of {@code /actuator/etcd}. */
	public record RegistryDescriptor(@Nullable RegistrationDescriptor registration, @Nullable ViewDescriptor view) {

	}

	/**
	 * This application's registration; {@code state} is {@code NOT_REGISTERED} before the first
	 * registration and after deregistration.
	 */
	public record RegistrationDescriptor(String serviceId, String instanceId, String host, int port, String status,
			Map<String, String> metadata, @Nullable String key, @Nullable String leaseId, @Nullable Long ttlSeconds,
			@Nullable Double remainingTtlSeconds, String state, int recoveries, @Nullable String lastError) {

	}

	/** The discovery view: every service, its instances, the etcd revision it reflects. */
	public record ViewDescriptor(long revision, boolean watching, Map<String, List<InstanceDescriptor>> services) {

	}

	/** One service of the view. */
	public record ServiceDescriptor(String serviceId, long revision, List<InstanceDescriptor> instances) {

	}

	/** One instance as discovery sees it. */
	public record InstanceDescriptor(String instanceId, String host, int port, boolean secure, String status,
			@Nullable String zone, Map<String, String> metadata) {

		static InstanceDescriptor of(EtcdServiceInstance instance) {
			return new InstanceDescriptor(instance.getInstanceId(), instance.getHost(), instance.getPort(),
					instance.isSecure(), instance.getStatus(), instance.getMetadata().get("zone"),
					instance.getMetadata());
		}

	}

}
