package io.github.etcddiscovery.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The contexts an application reads, most specific first, as Spring Cloud Consul lays them
 * out: {@code /config/orders,dev/}, {@code /config/orders/}, {@code /config/application,dev/},
 * {@code /config/application/}. With several profiles, the last one wins, as it does for
 * {@code application-{profile}.yml}.
 */
public final class EtcdConfigContexts {

	private EtcdConfigContexts() {
	}

	public static List<String> of(EtcdConfigProperties properties, @Nullable String applicationName,
			Collection<String> profiles) {
		String root = properties.getPrefix().endsWith("/") ? properties.getPrefix() : properties.getPrefix() + "/";
		List<String> names = new ArrayList<>();
		if (StringUtils.hasText(applicationName) && !applicationName.equals(properties.getDefaultContext())) {
			names.add(applicationName.trim());
		}
		names.add(properties.getDefaultContext());
		List<String> reversedProfiles = new ArrayList<>(profiles);
		java.util.Collections.reverse(reversedProfiles);
		List<String> contexts = new ArrayList<>();
		for (String name : names) {
			for (String profile : reversedProfiles) {
				contexts.add(root + name + properties.getProfileSeparator() + profile + "/");
			}
			contexts.add(root + name + "/");
		}
		return List.copyOf(contexts);
	}

}
