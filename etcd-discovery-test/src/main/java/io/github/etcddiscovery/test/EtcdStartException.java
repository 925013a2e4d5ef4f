package io.github.etcddiscovery.test;

/**
 * etcd did not become healthy. The message carries the end of etcd's log because the log
 * file itself is deleted together with the server's temp dir.
 */
public class EtcdStartException extends IllegalStateException {

	private final boolean portConflict;

	EtcdStartException(String message, boolean portConflict) {
		super(message);
		this.portConflict = portConflict;
	}

	/** Another process took one of our ports between picking it and etcd binding it. */
	public boolean isPortConflict() {
		return this.portConflict;
	}

}
