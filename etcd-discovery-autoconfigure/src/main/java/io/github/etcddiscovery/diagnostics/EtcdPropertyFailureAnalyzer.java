package io.github.etcddiscovery.diagnostics;

import io.github.etcddiscovery.client.InvalidEtcdPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.validation.ObjectError;

/**
 * Turns a bad etcd setting into a startup report that says what is wrong and how to fix it:
 * one thrown as {@link InvalidEtcdPropertyException}, or one our properties classes reported
 * while Boot bound them. Ordered first, so that it words our binding errors before Boot's
 * generic binding analyzers do; any other failure it leaves to them.
 */
public class EtcdPropertyFailureAnalyzer implements FailureAnalyzer, Ordered {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		InvalidEtcdPropertyException invalid = find(failure);
		if (invalid == null) {
			return null;
		}
		return new FailureAnalysis("The etcd discovery setting '" + invalid.getProperty() + "' is invalid: "
				+ invalid.getProblem() + ".", invalid.getAction(), failure);
	}

	private static @Nullable InvalidEtcdPropertyException find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidEtcdPropertyException invalid) {
				return invalid;
			}
			if (cause instanceof BindValidationException binding) {
				for (ObjectError error : binding.getValidationErrors()) {
					InvalidEtcdPropertyException invalid = InvalidEtcdPropertyException.of(error);
					if (invalid != null) {
						return invalid;
					}
				}
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
