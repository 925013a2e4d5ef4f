package io.github.etcddiscovery.discovery;

import java.util.Collections;
import java.util.List;

import io.github.etcddiscovery.instance.EtcdServiceInstance;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One service's instances as lookups answer them: every instance, and those whose status is
 * UP. Built once on the view's thread whenever the service changes and kept in the view's
 * snapshot, so that {@code getInstances} and the load balancer's list are one map read that
 * allocates nothing, instead of a filter and a copy per call (the benchmarks' lookup figure).
 * Immutable; when every instance is UP both answers are the same list.
 * <p>
 * A class, not a record: the benchmarks measure the view's heap with JOL, which cannot read
 * the field offsets of records.
 */
public final class ServiceInstances {

	/** What a service without instances answers. */
	static final ServiceInstances NONE = new ServiceInstances("", List.of());

	private final String serviceId;

	private final List<EtcdServiceInstance> all;

	private final List<ServiceInstance> allAnswer;

	private final List<ServiceInstance> up;

	/**
	 * @param serviceId the service id as registered
	 * @param all every instance, in key order; must be immutable
	 */
	ServiceInstances(String serviceId, List<EtcdServiceInstance> all) {
		this.serviceId = serviceId;
		this.all = all;
		this.allAnswer = Collections.unmodifiableList(all);
		this.up = all.stream().allMatch(EtcdServiceInstance::isUp) ? this.allAnswer
				: all.stream().filter(EtcdServiceInstance::isUp).map(ServiceInstance.class::cast).toList();
	}

	/** The service id as registered (that of its first instance in key order). */
	public String serviceId() {
		return this.serviceId;
	}

	/** Every instance, whatever its status, in key order. */
	public List<EtcdServiceInstance> all() {
		return this.all;
	}

	/** The instances whose status is UP, in key order. */
	public List<ServiceInstance> up() {
		return this.up;
	}

	/** What {@code getInstances} answers: the UP instances, or all of them with {@code includeNotUp}. */
	public List<ServiceInstance> answer(boolean includeNotUp) {
		return includeNotUp ? this.allAnswer : this.up;
	}

	public boolean isEmpty() {
		return this.all.isEmpty();
	}

}
