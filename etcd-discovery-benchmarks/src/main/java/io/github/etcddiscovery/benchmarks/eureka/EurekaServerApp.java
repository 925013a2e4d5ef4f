package io.github.etcddiscovery.benchmarks.eureka;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * A plain Spring Cloud Netflix Eureka server, as users run one, started in-process on a free
 * loopback port for the Eureka figures. Its own package keeps it apart from {@code BenchApp}.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableEurekaServer
public class EurekaServerApp {

}
