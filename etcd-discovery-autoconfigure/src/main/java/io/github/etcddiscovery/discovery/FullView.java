package io.github.etcddiscovery.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.github.etcddiscovery.instance.EtcdServiceInstance;
import io.github.etcddiscovery.mirror.MirrorState;
import io.github.etcddiscovery.mirror.PrefixMirror;

/**
 * {@code watch=all}: one {@link PrefixMirror} of the whole prefix, started with the
 * application, feeding one {@link ServiceView}. Every lookup and {@code getServices()} is a
 * read of memory.
 */
final class FullView implements HeldView {

	private final PrefixMirror mirror;

	private final ServiceView view;

	private final Duration startWait;

	FullView(PrefixMirror mirror, ServiceView view, Duration startWait) {
		this.mirror = mirror;
		this.view = view;
		this.startWait = startWait;
	}

	@Override
	public void begin() {
		this.mirror.begin();
	}

	@Override
	public void start() {
		this.mirror.awaitStart(this.startWait);
	}

	@Override
	public void close() {
		this.mirror.close();
	}

	@Override
	public ServiceInstances lookup(String serviceId) {
		return this.view.lookup(serviceId);
	}

	@Override
	public ServiceInstances peek(String serviceId) {
		return this.view.lookup(serviceId);
	}

	@Override
	public boolean holds(String serviceId) {
		return true;
	}

	@Override
	public List<EtcdServiceInstance> instances(String serviceId) {
		return this.view.instances(serviceId);
	}

	@Override
	public List<String> services() {
		return this.view.services();
	}

	@Override
	public List<String> listServices() {
		return this.view.services();
	}

	@Override
	public MirrorState state() {
		return this.mirror.state();
	}

	@Override
	public CompletionStage<Long> firstLoaded() {
		return this.mirror.firstListing();
	}

	@Override
	public void dropWatchForTest() {
		this.mirror.dropWatchForTest();
	}

}
