package io.github.etcddiscovery.security;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Keeps gRPC's frame logger quiet by default. At DEBUG, {@code io.grpc.netty.NettyClientHandler}
 * dumps every HTTP/2 frame in hex: etcd's Authenticate request with the password, and every
 * request's auth token. A root level of DEBUG would turn that on without anyone asking for
 * it, so the logger gets INFO as a default property; naming it explicitly
 * ({@code logging.level.io.grpc.netty.NettyClientHandler=DEBUG}) still wins.
 */
public class GrpcFrameLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String FRAME_LOGGER_LEVEL = "logging.level.io.grpc.netty.NettyClientHandler";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(FRAME_LOGGER_LEVEL)) {
			DefaultPropertiesPropertySource.addOrMerge(Map.of(FRAME_LOGGER_LEVEL, "INFO"),
					environment.getPropertySources());
		}
	}

}
