package io.github.etcddiscovery.config;

import java.util.Arrays;
import java.util.List;

import io.github.etcddiscovery.client.EtcdProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Resolves {@code etcd:} (the {@code spring.cloud.etcd.*} connection) and
 * {@code etcd:http://host:2379,http://other:2379} (endpoints inline) into the contexts of
 * this application and its profiles. Settings are bound from the environment as it stands at
 * import time; bad ones fail startup with the property and its fix.
 */
public class EtcdConfigDataLocationResolver implements ConfigDataLocationResolver<EtcdConfigDataResource> {

	public static final String PREFIX = "etcd:";

	@Override
	public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
		return location.hasPrefix(PREFIX);
	}

	/** Contexts depend on the profiles: everything is resolved once they are known. */
	@Override
	public List<EtcdConfigDataResource> resolve(ConfigDataLocationResolverContext context,
			ConfigDataLocation location) {
		return List.of();
	}

	@Override
	public List<EtcdConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
			ConfigDataLocation location, @Nullable Profiles profiles) {
		Binder binder = context.getBinder();
		EtcdConfigProperties config = binder.bind(EtcdConfigProperties.PREFIX, EtcdConfigProperties.class)
			.orElseGet(EtcdConfigProperties::new);
		boolean etcdEnabled = binder.bind(EtcdProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
		if (!config.isEnabled() || !etcdEnabled) {
			return List.of();
		}
		config.validate();
		EtcdProperties etcd = binder.bind(EtcdProperties.PREFIX, EtcdProperties.class).orElseGet(EtcdProperties::new);
		String inline = location.getNonPrefixedValue(PREFIX);
		if (StringUtils.hasText(inline)) {
			etcd.setEndpoints(Arrays.stream(inline.split(",")).map(String::trim).filter(StringUtils::hasText).toList());
		}
		etcd.validate();
		String application = binder.bind("spring.application.name", String.class).orElse(null);
		List<String> contexts = EtcdConfigContexts.of(config, application,
				(profiles != null) ? profiles.getAccepted() : List.of());
		String bundle = etcd.getSsl().getBundle();
		SslBundles bundles = (etcd.usesTls() && StringUtils.hasText(bundle)) ? EtcdConfigSslBundles.from(binder, bundle)
				: null;
		return List.of(new EtcdConfigDataResource(contexts, etcd, config, bundles, location.isOptional()));
	}

}
