package io.github.etcddiscovery.client;

/**
 * etcd did not answer in time, or answered with an error. The message names the operation,
 * never any credential.
 */
public class EtcdUnavailableException extends RuntimeException {

	public EtcdUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
