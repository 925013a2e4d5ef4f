package io.github.etcddiscovery.security;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Keeps etcd credentials out of the actuator, whenever the actuator is present. Not
 * conditional on etcd being enabled: a disabled client's password is still a secret.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class EtcdSanitizingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public EtcdSecretsSanitizingFunction etcdSecretsSanitizingFunction() {
		return new EtcdSecretsSanitizingFunction();
	}

}
