package io.github.etcddiscovery.client;

import org.jspecify.annotations.Nullable;

/**
 * The etcdctl commands that fix a refused request, worded once: registry, discovery and the
 * configuration center each tell the operator which grant they lack, in the same words.
 */
public final class EtcdGrants {

	private EtcdGrants() {
	}

	/**
	 * The command that grants {@code permission} ({@code read}, {@code readwrite}) on every
	 * key under {@code prefix}, as etcd stores it: behind the client's namespace.
	 * @param namespace the client's namespace (spring.cloud.etcd.namespace), or null
	 * @param prefix the key prefix as the application sees it
	 */
	public static String onPrefix(String permission, @Nullable String namespace, String prefix) {
		return "etcdctl role grant-permission <role> --prefix=true " + permission + " " + stored(namespace, prefix);
	}

	/** The key as etcd stores it, behind the client's namespace: what an operator types. */
	public static String stored(@Nullable String namespace, String key) {
		return ((namespace != null) ? namespace : "") + key;
	}

}
