package io.github.etcddiscovery.discovery;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Publishes Spring Cloud's {@link HeartbeatEvent} whenever the discovery view changes, with
 * the etcd revision as its value, so that gateways and other listeners refresh at once.
 * Starts only once every singleton exists: the cache's thread must not publish into a
 * context that is still being built.
 * <p>
 * Events are delivered on a thread of their own, never on the cache's: a slow
 * {@code @EventListener} must not hold up the watch, and with it every other service's view.
 * Changes that come while a listener is still busy are told once, with the latest revision,
 * as a heartbeat means "look again", not "this one change".
 */
public class EtcdHeartbeatPublisher
		implements ServiceChangeListener, SmartInitializingSingleton, DisposableBean {

	private static final Log logger = LogFactory.getLog(EtcdHeartbeatPublisher.class);

	private final EtcdDiscoveryCache cache;

	private final ApplicationEventPublisher publisher;

	private final ExecutorService delivery;

	/** The revision of the latest change not yet published. */
	private final AtomicLong revision = new AtomicLong();

	/** Whether a delivery is queued that will publish {@link #revision}. */
	private final AtomicBoolean queued = new AtomicBoolean();

	public EtcdHeartbeatPublisher(EtcdDiscoveryCache cache, ApplicationEventPublisher publisher) {
		this.cache = cache;
		this.publisher = publisher;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-heartbeat-");
		threads.setDaemon(true);
		this.delivery = Executors.newSingleThreadExecutor(threads);
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.cache.addListener(this);
	}

	@Override
	public void destroy() {
		this.cache.removeListener(this);
		// No interrupt: a listener that is running finishes; nothing queued is published.
		this.delivery.shutdown();
	}

	@Override
	public void servicesChanged(Set<String> serviceIds) {
		servicesChanged(serviceIds, this.cache.getRevision());
	}

	@Override
	public void servicesChanged(Set<String> serviceIds, long revision) {
		// The revision of exactly this view: the cache's own says so only after every listener.
		this.revision.set(revision);
		if (this.queued.compareAndSet(false, true)) {
			try {
				this.delivery.execute(this::publish);
			}
			catch (RejectedExecutionException ex) {
				// Shutting down: nobody is left to refresh.
			}
		}
	}

	private void publish() {
		this.queued.set(false);
		try {
			this.publisher.publishEvent(new HeartbeatEvent(this.cache, this.revision.get()));
		}
		catch (RuntimeException ex) {
			logger.warn("A HeartbeatEvent listener failed", ex);
		}
	}

}
