package io.github.etcddiscovery.loadbalancer;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientConfiguration;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StandardSupplierChain} knows every value of
 * {@code spring.cloud.loadbalancer.configurations} that the Spring Cloud LoadBalancer on the
 * classpath knows. LoadBalancer picks its supplier chain with one condition per value, nested
 * in {@link LoadBalancerClientConfiguration}; each condition is asked which of our values it
 * accepts. A Commons upgrade that adds a configuration fails here, rather than its users
 * silently getting plain round robin over every UP instance.
 */
class StandardSupplierChainTest {

	@Test
	void knowsEveryConfigurationLoadBalancerKnows() throws Exception {
		Map<String, List<String>> acceptedByCondition = new TreeMap<>();
		for (Class<?> nested : LoadBalancerClientConfiguration.class.getDeclaredClasses()) {
			if (!Condition.class.isAssignableFrom(nested) || SpringBootCondition.class.isAssignableFrom(nested)
					|| Modifier.isAbstract(nested.getModifiers())) {
				continue; // the retry conditions: nested conditions of their own, not about configurations
			}
			Constructor<?> constructor = nested.getDeclaredConstructor();
			constructor.setAccessible(true);
			Condition condition = (Condition) constructor.newInstance();
			List<String> accepted = new ArrayList<>();
			for (String configuration : StandardSupplierChain.KNOWN) {
				if (condition.matches(contextWith(configuration), null)) {
					accepted.add(configuration);
				}
			}
			acceptedByCondition.put(nested.getSimpleName(), accepted);
		}

		assertThat(acceptedByCondition).as("LoadBalancer's conditions, found in " + LoadBalancerClientConfiguration.class)
			.hasSizeGreaterThanOrEqualTo(StandardSupplierChain.KNOWN.size());
		assertThat(acceptedByCondition)
			.as("a condition that accepts none of %s is a configuration StandardSupplierChain does not know",
					StandardSupplierChain.KNOWN)
			.allSatisfy((name, accepted) -> assertThat(accepted).as(name).isNotEmpty());
		// Conditions that accept every value (avoid-previous-instance) are not about configurations.
		assertThat(acceptedByCondition.values()
			.stream()
			.filter((accepted) -> accepted.size() == 1)
			.flatMap(List::stream))
			.as("every configuration we know is one LoadBalancer knows, each by a condition of its own")
			.containsExactlyInAnyOrderElementsOf(StandardSupplierChain.KNOWN);
	}

	private static ConditionContext contextWith(String configuration) {
		MockEnvironment environment = new MockEnvironment()
			.withProperty(StandardSupplierChain.PROPERTY, configuration)
			.withProperty("loadbalancer.client.name", "orders");
		return new ConditionContext() {

			@Override
			public BeanDefinitionRegistry getRegistry() {
				throw new UnsupportedOperationException();
			}

			@Override
			public ConfigurableListableBeanFactory getBeanFactory() {
				return null;
			}

			@Override
			public Environment getEnvironment() {
				return environment;
			}

			@Override
			public ResourceLoader getResourceLoader() {
				throw new UnsupportedOperationException();
			}

			@Override
			public ClassLoader getClassLoader() {
				return StandardSupplierChainTest.class.getClassLoader();
			}

		};
	}

}
