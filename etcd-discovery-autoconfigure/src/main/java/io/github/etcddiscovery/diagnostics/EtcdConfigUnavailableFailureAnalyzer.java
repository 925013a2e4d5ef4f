package io.github.etcddiscovery.diagnostics;

import io.github.etcddiscovery.config.EtcdConfigUnavailableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because the configuration could not be read from etcd.
 */
public class EtcdConfigUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<EtcdConfigUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EtcdConfigUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
