package io.github.etcddiscovery.client;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the starter's jetcd client starts its requests on: the thread that makes them.
 * <p>
 * jetcd 0.8 hands every unary request (a get, a put, a delete, a lease grant or revoke) to
 * its client's executor before it sends it, through Failsafe's {@code getStageAsync}; with
 * jetcd's default pool that is a hand-off to another thread for each request, and on a busy
 * CPU waking it costs up to a scheduler slice. Starting a gRPC call does not block (it queues
 * the request for the channel's event loop), so it is started where it was made: figure 2 of
 * the benchmarks measured registration and deregistration reaching callers about 0.06x of the
 * raw floor sooner. A request that jetcd retries after a delay starts on Failsafe's delay
 * thread. The answers still arrive on gRPC's threads, as before.
 * <p>
 * jetcd does not shut down an executor it was given; this one holds nothing to shut down. An
 * {@link EtcdClientBuilderCustomizer} may set another.
 */
final class DirectRequestExecutor extends AbstractExecutorService {

	private volatile boolean shutdown;

	@Override
	public void execute(Runnable command) {
		command.run();
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	@Override
	public List<Runnable> shutdownNow() {
		this.shutdown = true;
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return this.shutdown;
	}

	@Override
	public String toString() {
		return "DirectRequestExecutor";
	}

}
