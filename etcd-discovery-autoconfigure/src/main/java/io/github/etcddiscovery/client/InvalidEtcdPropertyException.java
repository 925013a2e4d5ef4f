package io.github.etcddiscovery.client;

import org.jspecify.annotations.Nullable;

import org.springframework.validation.Errors;
import org.springframework.validation.ObjectError;

/**
 * A configuration value that cannot work. Carries what is wrong and how to fix it, which
 * {@code EtcdPropertyFailureAnalyzer} turns into Spring Boot's startup failure report.
 * <p>
 * Properties classes check themselves when Boot binds them (they are Spring
 * {@code Validator}s): {@link #rejectInto} turns the first failed check into a binding error
 * that carries the same three facts, and {@link #of(ObjectError)} reads them back.
 */
public class InvalidEtcdPropertyException extends RuntimeException {

	/** Code of the binding errors {@link #rejectInto} makes. */
	public static final String ERROR_CODE = "etcd.invalid-property";

	private final String property;

	private final String problem;

	private final String action;

	public InvalidEtcdPropertyException(String property, @Nullable Object value, String problem, String action) {
		this(property, problem, action, "Invalid value '" + value + "' for " + property + ": " + problem);
	}

	private InvalidEtcdPropertyException(String property, String problem, String action, String message) {
		super(message);
		this.property = property;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * Runs the checks of a properties class while Boot binds it: the first that fails becomes
	 * a binding error, so that Boot stops the startup as for any invalid binding.
	 * @param errors the errors of the binding, as Boot hands them to a {@code Validator}
	 * @param checks throws this exception on a value that cannot work
	 */
	public static void rejectInto(Errors errors, Runnable checks) {
		try {
			checks.run();
		}
		catch (InvalidEtcdPropertyException ex) {
			errors.reject(ERROR_CODE, new Object[] { ex.property, ex.problem, ex.action }, ex.getMessage());
		}
	}

	/** What a binding error made by {@link #rejectInto} says, or null for any other error. */
	public static @Nullable InvalidEtcdPropertyException of(ObjectError error) {
		Object[] facts = error.getArguments();
		if (!ERROR_CODE.equals(error.getCode()) || facts == null || facts.length != 3) {
			return null;
		}
		String message = (error.getDefaultMessage() != null) ? error.getDefaultMessage() : String.valueOf(facts[1]);
		return new InvalidEtcdPropertyException(String.valueOf(facts[0]), String.valueOf(facts[1]),
				String.valueOf(facts[2]), message);
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
