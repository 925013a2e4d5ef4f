package io.github.etcddiscovery.config;

import java.util.Arrays;
import java.util.List;

import io.github.etcddiscovery.client.EtcdProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;
import org.springframework.validation.Validator;

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
		boolean configEnabled = binder.bind(EtcdConfigProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
		boolean etcdEnabled = binder.bind(EtcdProperties.PREFIX + ".enabled", Boolean.class).orElse(true);
		if (!configEnabled || !etcdEnabled) {
			return List.of();
		}
		EtcdConfigProperties config = bindValidated(binder, EtcdConfigProperties.PREFIX, new EtcdConfigProperties(),
				BindHandler.DEFAULT);
		EtcdProperties etcd = new EtcdProperties();
		BindHandler inlineEndpoints = BindHandler.DEFAULT;
		String inline = location.getNonPrefixedValue(PREFIX);
		if (StringUtils.hasText(inline)) {
			etcd.setEndpoints(Arrays.stream(inline.split(",")).map(String::trim).filter(StringUtils::hasText).toList());
			inlineEndpoints = new KeepInlineEndpoints();
		}
		bindValidated(binder, EtcdProperties.PREFIX, etcd, inlineEndpoints);
		String application = binder.bind("spring.application.name", String.class).orElse(null);
		List<String> contexts = EtcdConfigContexts.of(config, application,
				(profiles != null) ? profiles.getAccepted() : List.of());
		String bundle = etcd.getSsl().getBundle();
		SslBundles bundles = (etcd.usesTls() && StringUtils.hasText(bundle)) ? EtcdConfigSslBundles.from(binder, bundle)
				: null;
		return List.of(new EtcdConfigDataResource(contexts, etcd, config, bundles, location.isOptional()));
	}

	/**
	 * Binds as Boot binds a properties bean, checks included: the properties class validates
	 * itself, and a value that cannot work fails startup with the property and its fix.
	 */
	private static <T extends Validator> T bindValidated(Binder binder, String prefix, T target, BindHandler parent) {
		binder.bind(prefix, Bindable.ofInstance(target), new ValidationBindHandler(parent, target));
		return target;
	}

	/** Endpoints in the location ({@code etcd:http://...}) win over spring.cloud.etcd.endpoints. */
	private static final class KeepInlineEndpoints extends AbstractBindHandler {

		private static final ConfigurationPropertyName ENDPOINTS = ConfigurationPropertyName
			.of(EtcdProperties.PREFIX + ".endpoints");

		@Override
		public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target,
				BindContext context) {
			return ENDPOINTS.isAncestorOf(name) || ENDPOINTS.equals(name) ? null : super.onStart(name, target, context);
		}

	}

}
