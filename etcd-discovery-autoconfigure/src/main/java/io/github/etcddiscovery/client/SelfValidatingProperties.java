package io.github.etcddiscovery.client;

import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * A properties class that checks itself when Spring Boot binds it: Boot uses a bound object
 * that is a {@link Validator} as its own validator, so ours, a user's {@code @Bean} of them,
 * and a config data binding all go through the same checks, once. A failed check becomes a
 * binding error that {@code EtcdPropertyFailureAnalyzer} reports with the property and its fix.
 */
public abstract class SelfValidatingProperties implements Validator {

	@Override
	public boolean supports(Class<?> type) {
		return getClass().isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		InvalidEtcdPropertyException.rejectInto(errors, ((SelfValidatingProperties) target)::check);
	}

	/**
	 * Checks what cannot work, before anything talks to etcd.
	 * @throws InvalidEtcdPropertyException on the first value that cannot work
	 */
	protected abstract void check();

}
