package io.github.etcddiscovery.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the starter's jetcd client handles its puts, as gRPC sees it: the threads that asked
 * for a put's call ({@link #starts}) and those its answer was delivered on
 * ({@link #answers}). An interceptor, so that the answer's thread is gRPC's, not that of
 * whoever adds a callback to a future already complete.
 */
record PutThreads(List<Thread> starts, List<Thread> answers) implements ClientInterceptor {

	PutThreads() {
		this(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
	}

	@Override
	public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
		ClientCall<Q, A> call = next.newCall(method, options);
		if (!method.getFullMethodName().endsWith("/Put")) {
			return call;
		}
		this.starts.add(Thread.currentThread());
		return new SimpleForwardingClientCall<>(call) {
			@Override
			public void start(Listener<A> listener, Metadata headers) {
				super.start(new SimpleForwardingClientCallListener<>(listener) {
					@Override
					public void onMessage(A message) {
						PutThreads.this.answers.add(Thread.currentThread());
						super.onMessage(message);
					}
				}, headers);
			}
		};
	}

	/** Adds the recording to the starter's client. */
	@Configuration(proxyBeanMethods = false)
	static class Recorded {

		@Bean
		PutThreads putThreads() {
			return new PutThreads();
		}

		@Bean
		EtcdClientBuilderCustomizer recordPutThreads(PutThreads putThreads) {
			return (builder) -> builder.interceptor(putThreads);
		}

	}

}
