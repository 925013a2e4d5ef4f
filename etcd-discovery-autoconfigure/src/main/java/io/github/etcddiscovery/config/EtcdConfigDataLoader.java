package io.github.etcddiscovery.config;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdGrants;
import io.github.etcddiscovery.client.EtcdClientFactory;
import io.github.etcddiscovery.client.EtcdConnectionCheck;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.client.EtcdTls;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import org.apache.commons.logging.Log;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Loads an {@code etcd:} import. The first load connects (with the TLS and credential checks of
 * the discovery client), reads every context at one revision, and leaves an
 * {@link EtcdConfigState} in the bootstrap context, which becomes a bean of the application
 * context for the watch. Later loads, those of a refresh, return that state's snapshot, which
 * the watch keeps current, so they never depend on etcd answering.
 */
public class EtcdConfigDataLoader implements ConfigDataLoader<EtcdConfigDataResource> {

	private final Log logger;

	public EtcdConfigDataLoader(DeferredLogFactory logs) {
		this.logger = logs.getLog(EtcdConfigDataLoader.class);
	}

	@Override
	public ConfigData load(ConfigDataLoaderContext context, EtcdConfigDataResource resource) {
		ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
		if (bootstrap.isRegistered(EtcdConfigState.class)) {
			EtcdConfigState state = bootstrap.get(EtcdConfigState.class);
			if (state.resource().equals(resource)) {
				return new ConfigData(refreshed(state).propertySources());
			}
			throw new EtcdConfigUnavailableException("A second etcd: import (" + resource + ") next to "
					+ state.resource() + " is not supported", "Import etcd: once; list every endpoint in it.");
		}
		EtcdConfigState state = open(resource);
		bootstrap.register(EtcdConfigState.class, BootstrapRegistry.InstanceSupplier.of(state));
		bootstrap.addCloseListener(event -> {
			ConfigurableListableBeanFactory beans = event.getApplicationContext().getBeanFactory();
			beans.registerSingleton(EtcdConfigState.BEAN_NAME, state);
			if (beans instanceof DefaultSingletonBeanRegistry registry) {
				registry.registerDisposableBean(EtcdConfigState.BEAN_NAME, state);
			}
		});
		return new ConfigData(state.snapshot().propertySources());
	}

	/**
	 * A refresh's view: the watch keeps the snapshot current, so it is taken as it is. Without
	 * the watch, a refresh (/actuator/refresh) reads etcd, and keeps the last snapshot when etcd
	 * cannot be read: an outage never removes properties.
	 */
	private EtcdConfigSnapshot refreshed(EtcdConfigState state) {
		if (state.resource().config().getWatch().isEnabled()) {
			return state.snapshot();
		}
		try {
			state.update(state.reader().read());
		}
		catch (RuntimeException ex) {
			this.logger.warn("etcd configuration cannot be read (" + ex.getMessage()
					+ "); keeping the last good configuration");
		}
		return state.snapshot();
	}

	private EtcdConfigState open(EtcdConfigDataResource resource) {
		EtcdProperties etcd = resource.etcd();
		EtcdTls tls = EtcdTls.of(etcd, resource.sslBundles());
		Client client = new EtcdClientFactory(etcd, tls).create();
		EtcdConfigCodec codec = new EtcdConfigCodec(resource.config().getFormat(), resource.config().getDataKey());
		EtcdConfigReader reader = new EtcdConfigReader(client, resource.contexts(), codec, etcd.getRequestTimeout(),
				this.logger);
		try {
			new EtcdConnectionCheck(client, etcd, tls).check();
			EtcdConfigSnapshot snapshot = reader.read(etcd.getConnectTimeout().plus(etcd.getRequestTimeout()));
			this.logger.info("Loaded " + snapshot.propertyCount() + " properties from etcd " + etcd.displayEndpoints()
					+ " at revision " + snapshot.revision() + " (" + String.join(", ", resource.contexts()) + ")");
			return new EtcdConfigState(client, reader, resource, snapshot);
		}
		catch (EtcdAccessException ex) {
			client.close();
			throw refused(resource, ex);
		}
		catch (EtcdUnavailableException ex) {
			if (resource.optional() || !resource.config().isFailFast()) {
				this.logger.warn("Starting without the configuration in etcd " + etcd.displayEndpoints() + " ("
						+ ex.getMessage() + "); it is loaded and pushed once etcd answers");
				return new EtcdConfigState(client, reader, resource, EtcdConfigSnapshot.notLoaded(resource.contexts()));
			}
			client.close();
			throw new EtcdConfigUnavailableException("Cannot load the configuration from etcd at "
					+ etcd.displayEndpoints() + ": " + ex.getMessage() + ". Keys tried: "
					+ String.join(", ", resource.contexts()) + keysHint(resource),
					"Check that etcd is running and reachable at those endpoints (spring.cloud.etcd.endpoints, or "
							+ "the ones in spring.config.import=etcd:...). To start without it, import "
							+ "optional:etcd: or set " + EtcdConfigProperties.PREFIX + ".fail-fast=false.");
		}
	}

	private static String keysHint(EtcdConfigDataResource resource) {
		return (resource.config().getFormat() == EtcdConfigFormat.KEY_VALUE) ? " (every key under each)"
				: " (the key '" + resource.config().getDataKey() + "' under each)";
	}

	private static EtcdAccessException refused(EtcdConfigDataResource resource, EtcdAccessException refusal) {
		if (!refusal.isPermissionDenied()) {
			return refusal;
		}
		StringBuilder grants = new StringBuilder();
		for (String context : resource.contexts()) {
			grants.append(' ').append(EtcdGrants.onPrefix("read", resource.etcd().getNamespace(), context)).append(';');
		}
		return new EtcdAccessException("etcd configuration cannot be read from " + resource.contexts() + ": "
				+ refusal.getMessage(),
				"Grant the etcd user's role read on each context:" + grants
						+ " see the Configuration center section of the etcd-discovery README.",
				null);
	}

}
