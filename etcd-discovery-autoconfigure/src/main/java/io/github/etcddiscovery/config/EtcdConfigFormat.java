package io.github.etcddiscovery.config;

/**
 * How a context's keys hold properties: one key per property, or one key holding a whole
 * document. Spring Cloud Consul's formats, so that a layout copied from Consul reads the same.
 */
public enum EtcdConfigFormat {

	/** {@code /config/orders/server/timeout} holds {@code server.timeout}. */
	KEY_VALUE,

	/** {@code /config/orders/data} holds a YAML document. */
	YAML,

	/** {@code /config/orders/data} holds a properties document. */
	PROPERTIES

}
