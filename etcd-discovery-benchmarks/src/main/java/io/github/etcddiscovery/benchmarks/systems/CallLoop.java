package io.github.etcddiscovery.benchmarks.systems;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * A caller's stream of load-balanced {@code GET http://service/hello} calls, without pause,
 * that keeps only what the figures need about one watched instance: when the first call sent
 * after a mark was answered by it, and when the last call it answered was sent. Bounded in
 * count and time; stops by itself.
 */
public final class CallLoop implements AutoCloseable {

	private static final Pattern INSTANCE = Pattern.compile("\"instance\":\"([^\"]+)\"");

	private final String watched;

	private final long deadline;

	private final long maxCalls;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong lastByWatched = new AtomicLong(Long.MIN_VALUE);

	private final AtomicLong firstByWatchedSinceMark = new AtomicLong();

	private volatile long mark = Long.MAX_VALUE;

	private volatile boolean stopped;

	private final long pauseNanos;

	private volatile String firstFailure;

	private final java.util.Set<String> answerers = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/**
	 * @param pause between two calls of a thread: zero for the finest measure, or a little to
	 * keep within {@code maxCalls} over the minutes a cache takes
	 */
	public CallLoop(ConfigurableApplicationContext caller, String serviceId, String watched, int threads,
			Duration maxTime, long maxCalls, Duration pause) {
		this.watched = watched;
		this.pauseNanos = pause.toNanos();
		this.deadline = System.nanoTime() + maxTime.toNanos();
		this.maxCalls = maxCalls;
		RestClient client = caller.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> run(client, "http://" + serviceId + "/hello"), "bench-caller-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void run(RestClient client, String url) {
		while (!this.stopped && System.nanoTime() < this.deadline && this.calls.incrementAndGet() <= this.maxCalls) {
			long sentAt = System.nanoTime();
			try {
				String body = client.get().uri(url).retrieve().body(String.class);
				Matcher matcher = INSTANCE.matcher((body != null) ? body : "");
				boolean found = matcher.find();
				if (found) {
					this.answerers.add(matcher.group(1));
				}
				if (found && this.watched.equals(matcher.group(1))) {
					this.lastByWatched.accumulateAndGet(sentAt, Math::max);
					if (sentAt >= this.mark) {
						this.firstByWatchedSinceMark.accumulateAndGet(sentAt, (a, b) -> (a == 0) ? b : Math.min(a, b));
					}
				}
			}
			catch (RuntimeException ex) {
				if (this.failures.incrementAndGet() == 1) {
					this.firstFailure = ex.toString();
				}
			}
			if (this.pauseNanos > 0) {
				java.util.concurrent.locks.LockSupport.parkNanos(this.pauseNanos);
			}
		}
	}

	/** From now on, {@link #firstByWatchedSinceMark()} looks for calls sent at or after {@code at}. */
	public void mark(long at) {
		this.firstByWatchedSinceMark.set(0);
		this.mark = at;
	}

	/** Sending time of the first call answered by the watched instance since the mark, or 0. */
	public long firstByWatchedSinceMark() {
		return this.firstByWatchedSinceMark.get();
	}

	/** Sending time of the last call the watched instance answered. */
	public long lastByWatched() {
		return this.lastByWatched.get();
	}

	/** Whether any call was answered by {@code instanceId}. */
	public boolean answeredBy(String instanceId) {
		return this.answerers.contains(instanceId);
	}

	public long calls() {
		return this.calls.get();
	}

	public long failures() {
		return this.failures.get();
	}

	/** What the first failed call failed with, or null. */
	public String firstFailure() {
		return this.firstFailure;
	}

	@Override
	public void close() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(15_000);
		}
	}

}
