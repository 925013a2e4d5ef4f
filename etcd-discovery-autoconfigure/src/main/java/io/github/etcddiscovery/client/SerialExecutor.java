package io.github.etcddiscovery.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one place a component's state lives, without a hand-off for every etcd answer: tasks run
 * one at a time, in the order they were accepted, each seeing everything the previous ones did
 * (the hand-over goes through a lock, which orders them). {@link #execute} queues a task for
 * the component's own thread; {@link #executeInline} runs a task at once on the calling thread
 * when nothing else is running or queued, and queues it otherwise. On a saturated CPU, waking a
 * parked thread costs up to a scheduler slice, so that the answers on the latency path (a
 * lease granted, a watch event) continue on the thread that delivered them.
 * <p>
 * What runs inline must not block: jetcd's callback threads call it. Whatever an inline task
 * queues meanwhile, and whatever was queued behind it, is drained by the component's own
 * thread, never by the caller, which runs one task at most. A task that throws is logged and
 * the next one runs.
 */
public final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private final ExecutorService thread;

	private final Object lock = new Object();

	// Guarded by lock.
	private final Queue<Runnable> queue = new ArrayDeque<>();

	// Guarded by lock: whether a task runs or a drain is due on the component's thread.
	private boolean busy;

	/**
	 * @param thread the component's own thread: a single-threaded executor, or threads it
	 * shares with other components (one drain runs at a time, so its tasks still do)
	 */
	public SerialExecutor(ExecutorService thread) {
		this.thread = thread;
	}

	/**
	 * Runs {@code task} on the component's thread, after every task accepted before it.
	 * @throws RejectedExecutionException once the component's thread is shut down
	 */
	@Override
	public void execute(Runnable task) {
		synchronized (this.lock) {
			rejectIfShutDown();
			this.queue.add(task);
			if (this.busy) {
				return;
			}
			this.busy = true;
		}
		drainOnThread();
	}

	/**
	 * Runs {@code task} now on the calling thread when the executor is idle; otherwise queues it
	 * behind the others, as {@link #execute} does.
	 * @throws RejectedExecutionException once the component's thread is shut down
	 */
	public void executeInline(Runnable task) {
		synchronized (this.lock) {
			rejectIfShutDown();
			if (this.busy) {
				this.queue.add(task);
				return;
			}
			this.busy = true;
		}
		run(task);
		synchronized (this.lock) {
			if (this.queue.isEmpty()) {
				this.busy = false;
				return;
			}
		}
		drainOnThread();
	}

	/** Runs what is queued, on the component's thread, until nothing is. */
	private void drain() {
		while (true) {
			Runnable next;
			synchronized (this.lock) {
				next = this.queue.poll();
				if (next == null) {
					this.busy = false;
					return;
				}
			}
			run(next);
		}
	}

	private void drainOnThread() {
		try {
			this.thread.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			synchronized (this.lock) {
				// Shut down: what was queued will never run.
				this.queue.clear();
				this.busy = false;
			}
			throw ex;
		}
	}

	private void rejectIfShutDown() {
		if (this.thread.isShutdown()) {
			throw new RejectedExecutionException("shut down");
		}
	}

	private static void run(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			logger.error("A task failed", ex);
		}
	}

}
