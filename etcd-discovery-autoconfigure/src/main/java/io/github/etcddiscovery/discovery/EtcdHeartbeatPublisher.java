package io.github.etcddiscovery.discovery;

import java.util.Set;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes Spring Cloud's {@link HeartbeatEvent} whenever the discovery view changes, with
 * the etcd revision as its value, so that gateways and other listeners refresh at once.
 * Starts only once every singleton exists: the cache's thread must not publish into a
 * context that is still being built.
 */
public class EtcdHeartbeatPublisher
		implements EtcdDiscoveryCache.ServiceChangeListener, SmartInitializingSingleton, DisposableBean {

	private final EtcdDiscoveryCache cache;

	private final ApplicationEventPublisher publisher;

	public EtcdHeartbeatPublisher(EtcdDiscoveryCache cache, ApplicationEventPublisher publisher) {
		this.cache = cache;
		this.publisher = publisher;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.cache.addListener(this);
	}

	@Override
	public void destroy() {
		this.cache.removeListener(this);
	}

	@Override
	public void servicesChanged(Set<String> serviceIds) {
		this.publisher.publishEvent(new HeartbeatEvent(this.cache, this.cache.getRevision()));
	}

}
