package io.github.etcddiscovery.client;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value that cannot work. Carries what is wrong and how to fix it, which
 * the diagnostics package's {@code EtcdPropertyFailureAnalyzer} turns into Spring Boot's startup
 * failure report.
 */
public class InvalidEtcdPropertyException extends RuntimeException {

	private final String property;

	private final String problem;

	private final String action;

	public InvalidEtcdPropertyException(String property, @Nullable Object value, String problem, String action) {
		super("Invalid value '" + value + "' for " + property + ": " + problem);
		this.property = property;
		this.problem = problem;
		this.action = action;
	}

	public String getProperty() {
		return this.property;
	}

	public String getProblem() {
		return this.problem;
	}

	public String getAction() {
		return this.action;
	}

}
