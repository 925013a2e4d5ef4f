package io.github.etcddiscovery.discovery;

import java.util.Set;

/**
 * Told, on the discovery view's own thread, which services changed (ids in lower case, see
 * {@link EtcdDiscoveryCache#canonical}). Implementations return quickly: the view's next
 * change waits for them.
 */
@FunctionalInterface
public interface ServiceChangeListener {

	void servicesChanged(Set<String> serviceIds);

}
