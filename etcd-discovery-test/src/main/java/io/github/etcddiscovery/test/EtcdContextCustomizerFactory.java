package io.github.etcddiscovery.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points the Spring test context of an {@link EtcdTest} class at its etcd: the property
 * {@value #ENDPOINTS} comes first among the property sources, so it wins over
 * application.yml, and the starter's properties-based {@code EtcdConnectionDetails} carries
 * it. Registered in {@code META-INF/spring.factories}; inert for other test classes.
 */
class EtcdContextCustomizerFactory implements ContextCustomizerFactory {

	static final String ENDPOINTS = "spring.cloud.etcd.endpoints";

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		EtcdTest settings = EtcdExtension.settings(testClass);
		if (settings == null) {
			return null;
		}
		// Contexts are cached by this key: the shared etcd can serve every class, a private one only its own.
		return new EtcdContextCustomizer(settings.shared() ? null : testClass, testClass);
	}

	private static final class EtcdContextCustomizer implements ContextCustomizer {

		private final Class<?> cacheKey;

		private final Class<?> testClass;

		EtcdContextCustomizer(Class<?> cacheKey, Class<?> testClass) {
			this.cacheKey = cacheKey;
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			String endpoint = EtcdExtension.server(this.testClass).clientEndpoint();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("etcdTest", Map.of(ENDPOINTS, endpoint)));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof EtcdContextCustomizer that && Objects.equals(this.cacheKey, that.cacheKey);
		}

		@Override
		public int hashCode() {
			return Objects.hashCode(this.cacheKey);
		}

	}

}
