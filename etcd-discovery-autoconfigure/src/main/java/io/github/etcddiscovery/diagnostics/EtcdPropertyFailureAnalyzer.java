package io.github.etcddiscovery.diagnostics;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a bad etcd setting into a startup report that says what is wrong and how to fix it.
 */
public class EtcdPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEtcdPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEtcdPropertyException cause) {
		return new FailureAnalysis("The etcd discovery setting '" + cause.getProperty() + "' is invalid: "
				+ cause.getProblem() + ".", cause.getAction(), cause);
	}

}
