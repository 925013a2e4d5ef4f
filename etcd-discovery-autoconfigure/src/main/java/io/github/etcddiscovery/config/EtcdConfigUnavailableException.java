package io.github.etcddiscovery.config;

/**
 * {@code spring.config.import=etcd:} could not read etcd at startup and the import is neither
 * optional nor allowed to start without it. The message names the endpoints and the keys
 * tried, never a value or a credential.
 */
public class EtcdConfigUnavailableException extends RuntimeException {

	private final String action;

	public EtcdConfigUnavailableException(String message, String action) {
		super(message);
		this.action = action;
	}

	public String getAction() {
		return this.action;
	}

}
