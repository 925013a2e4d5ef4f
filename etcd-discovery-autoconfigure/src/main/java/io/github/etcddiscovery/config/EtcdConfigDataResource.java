package io.github.etcddiscovery.config;

import java.util.List;
import java.util.Objects;

import io.github.etcddiscovery.client.EtcdProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.ssl.SslBundles;

/**
 * One {@code etcd:} import, resolved: the contexts to read and how to reach etcd. Two imports
 * of the same contexts on the same endpoints are the same resource.
 */
public class EtcdConfigDataResource extends ConfigDataResource {

	private final List<String> contexts;

	private final EtcdProperties etcd;

	private final EtcdConfigProperties config;

	private final @Nullable SslBundles sslBundles;

	private final boolean optional;

	EtcdConfigDataResource(List<String> contexts, EtcdProperties etcd, EtcdConfigProperties config,
			@Nullable SslBundles sslBundles, boolean optional) {
		super(optional);
		this.contexts = List.copyOf(contexts);
		this.etcd = etcd;
		this.config = config;
		this.sslBundles = sslBundles;
		this.optional = optional;
	}

	public List<String> contexts() {
		return this.contexts;
	}

	public EtcdProperties etcd() {
		return this.etcd;
	}

	public EtcdConfigProperties config() {
		return this.config;
	}

	@Nullable SslBundles sslBundles() {
		return this.sslBundles;
	}

	/** {@code optional:etcd:}: start without etcd rather than fail. */
	public boolean optional() {
		return this.optional;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof EtcdConfigDataResource that && this.contexts.equals(that.contexts)
				&& this.etcd.displayEndpoints().equals(that.etcd.displayEndpoints())
				&& this.config.getFormat() == that.config.getFormat();
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.contexts, this.etcd.displayEndpoints(), this.config.getFormat());
	}

	@Override
	public String toString() {
		return "etcd " + this.etcd.displayEndpoints() + " " + this.contexts;
	}

}
