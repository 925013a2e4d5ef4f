package io.github.etcddiscovery.diagnostics;

import io.github.etcddiscovery.client.EtcdAccessException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because etcd refused this application: its certificate,
 * its password, or its permissions.
 */
public class EtcdAccessFailureAnalyzer extends AbstractFailureAnalyzer<EtcdAccessException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EtcdAccessException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
