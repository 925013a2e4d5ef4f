package io.github.etcddiscovery.instance;

import io.github.etcddiscovery.client.EtcdGrants;
import org.jspecify.annotations.Nullable;

/**
 * Where instances live in etcd, owned by one bean: the prefix
 * ({@code spring.cloud.etcd.discovery.prefix}), the client's namespace in front of it, the
 * codec that turns instances into keys and values, and the grants an operator needs. The
 * registry writes and discovery reads through this one bean, so they can never disagree.
 */
public final class EtcdKeyspace {

	private final @Nullable String namespace;

	private final EtcdInstanceCodec codec;

	/**
	 * @param namespace the client's namespace (spring.cloud.etcd.namespace), or null
	 * @param prefix the instance prefix, such as {@code /services}
	 */
	public EtcdKeyspace(@Nullable String namespace, String prefix) {
		this.namespace = namespace;
		this.codec = new EtcdInstanceCodec(prefix);
	}

	public EtcdInstanceCodec codec() {
		return this.codec;
	}

	/** The prefix every instance key starts with, ending in a slash. */
	public String keyPrefix() {
		return this.codec.keyPrefix();
	}

	/** The key of one instance, as the application sees it (without the namespace). */
	public String key(String serviceId, String instanceId) {
		return this.codec.key(serviceId, instanceId);
	}

	/** The key as etcd stores it, namespace included: what an operator looks for with etcdctl. */
	public String stored(String key) {
		return EtcdGrants.stored(this.namespace, key);
	}

	/** The grant discovery needs: read on every instance. */
	public String readGrant() {
		return EtcdGrants.onPrefix("read", this.namespace, keyPrefix());
	}

	/** The narrowest grant registering an instance of the service needs: readwrite on that service. */
	public String writeGrant(String serviceId) {
		return EtcdGrants.onPrefix("readwrite", this.namespace, keyPrefix() + serviceId + "/");
	}

	@Override
	public String toString() {
		return "EtcdKeyspace{" + stored(keyPrefix()) + "}";
	}

}
