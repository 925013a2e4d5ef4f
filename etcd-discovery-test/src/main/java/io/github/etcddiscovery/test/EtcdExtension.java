package io.github.etcddiscovery.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link EtcdTest}: starts (or borrows the shared) etcd before the class,
 * resolves {@link EtcdServer} parameters, and stops a private etcd after the class. The etcd
 * of each running test class is published for {@link EtcdContextCustomizerFactory}.
 */
public class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Map<Class<?>, EtcdServer> SERVERS = new ConcurrentHashMap<>();

	@Override
	public void beforeAll(ExtensionContext context) {
		server(context.getRequiredTestClass());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EtcdServer server = SERVERS.remove(context.getRequiredTestClass());
		if (server != null) {
			server.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EtcdServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server(extensionContext.getRequiredTestClass());
	}

	/**
	 * The etcd of a test class annotated with {@link EtcdTest}, started on first use.
	 * @param testClass the test class (its enclosing classes are searched for the annotation)
	 * @return the etcd, shared or private as the annotation says
	 */
	static EtcdServer server(Class<?> testClass) {
		EtcdTest settings = settings(testClass);
		if (settings == null || settings.shared()) {
			return SharedEtcd.get();
		}
		return SERVERS.computeIfAbsent(testClass,
				(type) -> EtcdServer.builder().name("etcd-" + type.getSimpleName().toLowerCase()).start());
	}

	static EtcdTest settings(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			EtcdTest found = AnnotationSupport.findAnnotation(type, EtcdTest.class).orElse(null);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

}
