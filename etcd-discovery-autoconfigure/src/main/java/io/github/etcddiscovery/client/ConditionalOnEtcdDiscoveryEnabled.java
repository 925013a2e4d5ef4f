package io.github.etcddiscovery.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;


import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;

/**
 * Matches when Spring Cloud discovery, etcd, and etcd discovery are all enabled (each is on
 * unless its {@code enabled} property is false).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnDiscoveryEnabled
@ConditionalOnEtcdEnabled
@ConditionalOnProperty(name = "spring.cloud.etcd.discovery.enabled", matchIfMissing = true)
public @interface ConditionalOnEtcdDiscoveryEnabled {

}
