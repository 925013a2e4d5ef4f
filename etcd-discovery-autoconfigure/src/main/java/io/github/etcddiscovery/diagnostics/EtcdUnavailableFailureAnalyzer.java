package io.github.etcddiscovery.diagnostics;

import io.github.etcddiscovery.client.EtcdUnavailableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because etcd could not be reached with fail-fast on.
 */
public class EtcdUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<EtcdUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EtcdUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Check that etcd is running and reachable at spring.cloud.etcd.endpoints, or set "
						+ "spring.cloud.etcd.discovery.fail-fast=false to start anyway and register once etcd answers.",
				cause);
	}

}
