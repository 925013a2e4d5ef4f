package io.github.etcddiscovery.discovery;

import java.util.Set;

/**
 * Told, one change at a time, which services changed (ids in lower case, see
 * {@link EtcdDiscoveryCache#canonical}): on the discovery view's own thread, or on jetcd's
 * thread that delivered the change. Implementations return quickly and never block: the
 * view's next change waits for them.
 */
@FunctionalInterface
public interface ServiceChangeListener {

	void servicesChanged(Set<String> serviceIds);

	/**
	 * The same, with the etcd revision of the view that holds the change: what lookups answer
	 * from now on. The cache's {@link EtcdDiscoveryCache#getRevision() revision} says so only
	 * once every listener was told, so a listener that needs the revision of this change reads
	 * it here. Calls {@link #servicesChanged(Set)} unless overridden.
	 */
	default void servicesChanged(Set<String> serviceIds, long revision) {
		servicesChanged(serviceIds);
	}

}
