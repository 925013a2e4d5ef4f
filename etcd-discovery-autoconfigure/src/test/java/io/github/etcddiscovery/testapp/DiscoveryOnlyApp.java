package io.github.etcddiscovery.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application that only looks others up ({@code register=false}): a gateway, a batch
 * job. It has no {@code Registration}, so it cannot be a {@link TestApp}.
 */
@SpringBootApplication(proxyBeanMethods = false, scanBasePackages = "none")
public class DiscoveryOnlyApp {

}
