package io.github.etcddiscovery.testapp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.awaitility.Awaitility.await;

/**
 * A caller's steady stream of load-balanced {@code GET /hello} calls to one service, as a
 * client of our users sends it: every call is recorded with when it was sent (before the load
 * balancer chose an instance) and which instance answered, or why it failed. Bounded in
 * count and time, so a test that forgets to stop it still ends.
 */
public final class CallStream implements AutoCloseable {

	/** The load-balanced clients a {@link TestApp} has. */
	public enum Client {

		REST_CLIENT, REST_TEMPLATE, WEB_CLIENT;

		Function<String, String> caller(ConfigurableApplicationContext app) {
			return switch (this) {
				case REST_CLIENT -> {
					RestClient client = app.getBean(RestClient.Builder.class).build();
					yield url -> client.get().uri(url).retrieve().body(String.class);
				}
				case REST_TEMPLATE -> {
					RestTemplate template = app.getBean(RestTemplate.class);
					yield url -> template.getForObject(url, String.class);
				}
				case WEB_CLIENT -> {
					WebClient client = app.getBean(WebClient.Builder.class).build();
					yield url -> client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
				}
			};
		}

	}

	/** One call: answered by {@code instance}, or failed with {@code failure}. */
	public record Call(long sentAt, String instance, String failure) {

		public boolean failed() {
			return this.failure != null;
		}

	}

	private static final Pattern INSTANCE = Pattern.compile("\"instance\":\"([^\"]+)\"");

	private static final int MAX_CALLS = 200_000;

	private static final Duration MAX_TIME = Duration.ofSeconds(90);

	private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

	private final AtomicInteger sent = new AtomicInteger();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopped;

	private CallStream() {
	}

	/**
	 * Starts {@code threads} callers, each calling, then pausing {@code pause}, until stopped.
	 */
	public static CallStream start(ConfigurableApplicationContext caller, Client client, String serviceId,
			int threads, Duration pause) {
		CallStream stream = new CallStream();
		Function<String, String> call = client.caller(caller);
		long deadline = System.nanoTime() + MAX_TIME.toNanos();
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> stream.run(call, "http://" + serviceId + "/hello", pause, deadline),
					"call-stream-" + i);
			thread.setDaemon(true);
			stream.threads.add(thread);
			thread.start();
		}
		await().until(() -> stream.calls.size() >= threads);
		return stream;
	}

	private void run(Function<String, String> call, String url, Duration pause, long deadline) {
		while (!this.stopped && this.sent.incrementAndGet() <= MAX_CALLS && System.nanoTime() < deadline) {
			long sentAt = System.nanoTime();
			try {
				Matcher answer = INSTANCE.matcher(String.valueOf(call.apply(url)));
				this.calls.add(answer.find() ? new Call(sentAt, answer.group(1), null)
						: new Call(sentAt, null, "unexpected answer"));
			}
			catch (RuntimeException ex) {
				this.calls.add(new Call(sentAt, null, ex.toString()));
			}
			pauseFor(pause);
		}
	}

	private static void pauseFor(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	public List<Call> calls() {
		return List.copyOf(this.calls);
	}

	public List<Call> failures() {
		return this.calls.stream().filter(Call::failed).toList();
	}

	/** The first call {@code instance} answered, by the time it was sent. */
	public Optional<Call> firstAnsweredBy(String instance) {
		return answeredBy(instance).stream().min((a, b) -> Long.compare(a.sentAt(), b.sentAt()));
	}

	public List<Call> answeredBy(String instance) {
		return this.calls.stream().filter(c -> instance.equals(c.instance())).toList();
	}

	/** Calls sent at or after {@code nanoTime} that one of {@code instances} answered. */
	public List<Call> sentSinceAndAnsweredByAnyOf(long nanoTime, Set<String> instances) {
		return this.calls.stream().filter(c -> c.sentAt() >= nanoTime && instances.contains(c.instance())).toList();
	}

	/** Waits until {@code count} more calls have been answered or have failed. */
	public void awaitMoreCalls(int count) {
		int target = this.calls.size() + count;
		await().until(() -> this.calls.size() >= target);
	}

	/** Stops sending, and waits for the calls in flight. */
	@Override
	public void close() {
		this.stopped = true;
		for (Thread thread : this.threads) {
			try {
				thread.join(15_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
