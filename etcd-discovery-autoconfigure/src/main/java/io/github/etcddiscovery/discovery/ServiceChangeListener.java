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

}
