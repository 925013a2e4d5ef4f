package io.github.etcddiscovery.config;

import java.util.List;

import io.etcd.jetcd.Client;

import org.springframework.beans.factory.DisposableBean;

/**
 * What the first load made, handed from config data time to the running application through
 * the bootstrap context: the jetcd client of the import, its reader, and the current snapshot.
 * A refresh's config data pass takes the snapshot from here instead of calling etcd, so an etcd
 * that is down can never empty the environment; only the watch replaces the snapshot, with one
 * read whole at one revision.
 */
public class EtcdConfigState implements DisposableBean {

	/** Bean name under which the application context holds it. */
	public static final String BEAN_NAME = "etcdConfigState";

	private final Client client;

	private final EtcdConfigReader reader;

	private final EtcdConfigDataResource resource;

	private volatile EtcdConfigSnapshot snapshot;

	EtcdConfigState(Client client, EtcdConfigReader reader, EtcdConfigDataResource resource,
			EtcdConfigSnapshot snapshot) {
		this.client = client;
		this.reader = reader;
		this.resource = resource;
		this.snapshot = snapshot;
	}

	public Client client() {
		return this.client;
	}

	public EtcdConfigReader reader() {
		return this.reader;
	}

	public EtcdConfigDataResource resource() {
		return this.resource;
	}

	public List<String> contexts() {
		return this.reader.contexts();
	}

	public EtcdConfigSnapshot snapshot() {
		return this.snapshot;
	}

	public void update(EtcdConfigSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	@Override
	public void destroy() {
		this.client.close();
	}

}
