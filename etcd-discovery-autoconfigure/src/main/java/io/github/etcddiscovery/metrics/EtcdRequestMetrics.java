package io.github.etcddiscovery.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ClientBuilder;
import io.github.etcddiscovery.client.EtcdClientBuilderCustomizer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Times every request the application makes to etcd, by operation (the etcd gRPC method,
 * {@code KV.Range}, {@code Lease.LeaseGrant}, ...) and gRPC status; tracks the requests under
 * way (jetcd waits for a connection, so while etcd is unreachable they pile up there rather
 * than fail), and counts the streams (watches, keep-alives) that end in an error. A gRPC
 * interceptor on the shared client, so nothing escapes it; the operations and statuses are
 * fixed sets.
 * <p>
 * The interceptor runs on jetcd's event loop, which also delivers watch events: meters are
 * made once (the usual ones when bound), then only looked up, so recording never holds up
 * a watch.
 */
public class EtcdRequestMetrics implements ClientInterceptor, EtcdClientBuilderCustomizer, MeterBinder {

	/** The requests every registering and discovering application makes. */
	private static final List<String> USUAL_OPERATIONS = List.of("KV.Range", "KV.Put", "KV.DeleteRange",
			"Lease.LeaseGrant", "Lease.LeaseRevoke", "Lease.LeaseTimeToLive");

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, LongTaskTimer> underWay = new ConcurrentHashMap<>();

	private final Map<String, Counter> streamErrors = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry meters;

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String operation : USUAL_OPERATIONS) {
			timer(registry, operation, Status.Code.OK.name());
			active(registry, operation);
		}
		this.meters = registry;
	}

	@Override
	public void customize(ClientBuilder builder) {
		builder.interceptor(this);
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
		MeterRegistry registry = this.meters;
		ClientCall<Q, R> call = next.newCall(method, options);
		if (registry == null) {
			return call;
		}
		String operation = operation(method);
		boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
		return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {

			@Override
			public void start(Listener<R> listener, Metadata headers) {
				long started = System.nanoTime();
				LongTaskTimer.@Nullable Sample active = unary ? active(registry, operation).start() : null;
				super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {

					@Override
					public void onClose(Status status, Metadata trailers) {
						if (active != null) {
							active.stop();
						}
						record(registry, operation, unary, status, System.nanoTime() - started);
						super.onClose(status, trailers);
					}

				}, headers);
			}

		};
	}

	private void record(MeterRegistry registry, String operation, boolean unary, Status status, long nanos) {
		String code = status.getCode().name();
		if (unary) {
			timer(registry, operation, code).record(nanos, TimeUnit.NANOSECONDS);
		}
		else if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
			// CANCELLED is us closing a watch or a keep-alive.
			this.streamErrors.computeIfAbsent(operation + " " + code, key -> Counter.builder("etcd.streams.errors")
				.description("Watch and keep-alive streams that ended in an error, by operation and gRPC status")
				.tag("operation", operation)
				.tag("status", code)
				.register(registry)).increment();
		}
	}

	private Timer timer(MeterRegistry registry, String operation, String code) {
		return this.timers.computeIfAbsent(operation + " " + code, key -> Timer.builder("etcd.requests")
			.description("Requests to etcd, by operation and gRPC status")
			.tag("operation", operation)
			.tag("status", code)
			.register(registry));
	}

	private LongTaskTimer active(MeterRegistry registry, String operation) {
		return this.underWay.computeIfAbsent(operation, key -> LongTaskTimer.builder("etcd.requests.active")
			.description("Requests to etcd under way, by operation")
			.tag("operation", operation)
			.register(registry));
	}

	/** {@code etcdserverpb.KV/Range} becomes {@code KV.Range}. */
	static String operation(MethodDescriptor<?, ?> method) {
		String service = method.getServiceName();
		String simple = (service != null) ? service.substring(service.lastIndexOf('.') + 1) : "unknown";
		String name = method.getBareMethodName();
		return simple + "." + ((name != null) ? name : "unknown");
	}

}
