package io.github.etcddiscovery.discoveryonly;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application that only looks others up ({@code register=false}): a gateway, a batch
 * job. It has no {@code Registration}, so it cannot be a TestApp; it lives outside
 * TestApp's package so that TestApp's component scan does not pick it up.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class DiscoveryOnlyApp {

}
