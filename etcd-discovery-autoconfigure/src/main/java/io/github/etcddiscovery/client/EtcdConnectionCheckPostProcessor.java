package io.github.etcddiscovery.client;

import io.etcd.jetcd.Client;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.ssl.SslBundles;

/**
 * Runs {@link EtcdConnectionCheck} on every jetcd {@link Client} bean, ours or the user's,
 * before anything else gets hold of it: an etcd that refuses our certificate or password
 * fails startup with the fix, whoever built the client.
 */
class EtcdConnectionCheckPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<EtcdProperties> properties;

	private final ObjectProvider<EtcdConnectionDetails> connection;

	private final ObjectProvider<SslBundles> sslBundles;

	EtcdConnectionCheckPostProcessor(ObjectProvider<EtcdProperties> properties,
			ObjectProvider<EtcdConnectionDetails> connection, ObjectProvider<SslBundles> sslBundles) {
		this.properties = properties;
		this.connection = connection;
		this.sslBundles = sslBundles;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof Client client) {
			EtcdProperties etcdProperties = this.properties.getObject();
			EtcdTls tls = EtcdTls.of(etcdProperties, this.sslBundles.getIfAvailable());
			try {
				new EtcdConnectionCheck(client, etcdProperties, this.connection.getObject(), tls).check();
			}
			catch (RuntimeException ex) {
				// Not yet registered for destruction: close it here, or its threads outlive the failed start.
				client.close();
				throw ex;
			}
		}
		return bean;
	}

}
