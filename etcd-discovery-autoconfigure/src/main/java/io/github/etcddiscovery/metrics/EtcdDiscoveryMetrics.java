package io.github.etcddiscovery.metrics;

import java.util.function.ToDoubleFunction;

import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.discovery.EtcdViewObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the discovery view: its size, the events and full listings it applied, the
 * periodic checks against etcd, the revision it reflects and how far etcd is ahead of it.
 * Bounded whatever the number of instances: no tag names a service or an instance.
 * <p>
 * The lag is etcd's revision at its last answer (a watch response, a listing, a drift
 * check) minus the revision up to which the view is known complete (its last applied event,
 * listing, or a check that found nothing unseen). Writes outside the prefix raise etcd's
 * revision without a watch event, so the lag can show a few revisions until the next check
 * confirms the view; a lag that grows while etcd answers is a view falling behind.
 */
public class EtcdDiscoveryMetrics implements MeterBinder, EtcdViewObserver {

	private final EtcdDiscoveryCache cache;

	private volatile long etcdRevision;

	private volatile long completeAt;

	private volatile Counter events;

	private volatile Counter lists;

	private volatile Counter inSync;

	private volatile Counter drifted;

	public EtcdDiscoveryMetrics(EtcdDiscoveryCache cache) {
		this.cache = cache;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		this.etcdRevision = this.cache.getRevision();
		this.completeAt = this.cache.getRevision();
		gauge(meters, "etcd.discovery.services", "Services with at least one instance in the view",
				c -> c.services().size());
		gauge(meters, "etcd.discovery.instances", "Instances in the view, whatever their status",
				c -> c.services().stream().mapToInt(service -> c.instances(service).size()).sum());
		gauge(meters, "etcd.discovery.revision", "etcd revision the view has applied", c -> c.getRevision());
		gauge(meters, "etcd.discovery.revision.lag", "Revisions etcd was ahead of the view at its last answer",
				c -> lag());
		gauge(meters, "etcd.discovery.watching", "1 while the view follows etcd, 0 while it serves the last known one",
				c -> c.isConnected() ? 1 : 0);
		this.events = Counter.builder("etcd.discovery.events")
			.description("Watch events applied to the view")
			.register(meters);
		this.lists = Counter.builder("etcd.discovery.lists")
			.description("Full listings of the prefix (startup, a watch that ended, a drift)")
			.register(meters);
		this.inSync = resyncCounter(meters, "in-sync");
		this.drifted = resyncCounter(meters, "drifted");
		if (this.cache.getLastSync() != null) {
			// The startup listing, made while the application context was being built.
			this.lists.increment();
		}
		this.cache.addObserver(this);
	}

	private void gauge(MeterRegistry meters, String name, String description,
			ToDoubleFunction<EtcdDiscoveryCache> value) {
		Gauge.builder(name, this.cache, value).description(description).strongReference(true).register(meters);
	}

	private static Counter resyncCounter(MeterRegistry meters, String result) {
		return Counter.builder("etcd.discovery.resync.checks")
			.tag("result", result)
			.description("Periodic checks of the view against etcd, by result")
			.register(meters);
	}

	private double lag() {
		long complete = Math.max(this.completeAt, this.cache.getRevision());
		return Math.max(0, this.etcdRevision - complete);
	}

	@Override
	public void listed(long revision) {
		this.lists.increment();
		// A listing may follow etcd losing its data: revisions start again from there.
		this.etcdRevision = revision;
		this.completeAt = revision;
	}

	@Override
	public void eventsApplied(int count, long etcdRevision) {
		this.events.increment(count);
		this.etcdRevision = Math.max(this.etcdRevision, etcdRevision);
	}

	@Override
	public void driftChecked(long etcdRevision, boolean drift) {
		(drift ? this.drifted : this.inSync).increment();
		this.etcdRevision = Math.max(this.etcdRevision, etcdRevision);
		if (!drift) {
			this.completeAt = Math.max(this.completeAt, etcdRevision);
		}
	}

}
