package io.github.etcddiscovery.discovery;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.client.EtcdAccessException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code getServices()} and the startup check with {@code watch=per-service}, for
 * {@link ServiceWatches}: it asks etcd ({@link ServiceNames}); once etcd has not answered,
 * later calls answer at once from memory (the services last listed and those held) while one
 * listing at a time tries again in the background, so an outage costs one request timeout,
 * not one per call (each health check of {@code discoveryComposite} calls it).
 */
final class ServiceListing {

	private static final Log logger = LogFactory.getLog(EtcdDiscoveryCache.class);

	private final ServiceNames names;

	/** Told the spellings of every listing, so that spellings that appear later are held too. */
	private final Consumer<List<String>> spellingsListed;

	private final CompletableFuture<Long> firstLoaded = new CompletableFuture<>();

	/** The services etcd last listed: what {@code getServices()} answers while etcd is silent. */
	private volatile List<String> lastListed = List.of();

	private final AtomicBoolean unanswered = new AtomicBoolean();

	private final AtomicBoolean retrying = new AtomicBoolean();

	private volatile boolean closed;

	ServiceListing(ServiceNames names, Consumer<List<String>> spellingsListed) {
		this.names = names;
		this.spellingsListed = spellingsListed;
	}

	/**
	 * Checks, with one count-only request, that this user may read the prefix; an etcd that
	 * does not answer is logged, and checked again with backoff until it answers, which
	 * completes {@link #firstLoaded()}: nothing is held yet.
	 */
	void start() {
		try {
			this.firstLoaded.complete(this.names.check());
		}
		catch (EtcdAccessException refusal) {
			if (refusal.isPermissionDenied()) {
				throw refusal;
			}
			logger.warn("etcd discovery (per-service) starts without etcd: " + refusal.getMessage());
			checkLater(0);
		}
		catch (RuntimeException ex) {
			logger.warn("etcd discovery (per-service) starts without etcd: " + ex.getMessage());
			checkLater(0);
		}
	}

	private void checkLater(int attempt) {
		long delay = Backoff.RETRY.delay(attempt).toMillis();
		CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
			if (this.closed || this.firstLoaded.isDone()) {
				return;
			}
			try {
				this.firstLoaded.complete(this.names.check());
			}
			catch (RuntimeException ex) {
				checkLater(attempt + 1);
			}
		});
	}

	void close() {
		this.closed = true;
	}

	/** Completes with a revision once etcd first answered: the startup check, a listing, a first listing of a service. */
	CompletableFuture<Long> loaded() {
		return this.firstLoaded;
	}

	CompletionStage<Long> firstLoaded() {
		return this.firstLoaded.minimalCompletionStage();
	}

	/** The spellings etcd lists now (for a service found under no spelling asked for). */
	List<String> spellings() {
		return this.names.list().spellings();
	}

	/**
	 * Every service under the prefix.
	 * @param answering whether a watch held shows that etcd answers again
	 * @param held the services held, for an answer from memory
	 */
	List<String> list(BooleanSupplier answering, Supplier<List<String>> held) {
		// Silent at the last listing, and no watch held shows that it answers again.
		if (this.unanswered.get() && !answering.getAsBoolean()) {
			retryInBackground(held);
			return known(held);
		}
		return listNow(held);
	}

	private List<String> listNow(Supplier<List<String>> held) {
		ServiceNames.Listed listed;
		try {
			listed = this.names.list();
		}
		catch (RuntimeException ex) {
			this.unanswered.set(true);
			logger.debug("getServices() answers from memory: etcd did not answer: " + ex.getMessage());
			return known(held);
		}
		this.unanswered.set(false);
		this.lastListed = listed.services();
		this.firstLoaded.complete(listed.revision());
		this.spellingsListed.accept(listed.spellings());
		return listed.services();
	}

	private void retryInBackground(Supplier<List<String>> held) {
		if (!this.closed && this.retrying.compareAndSet(false, true)) {
			CompletableFuture.runAsync(() -> {
				try {
					listNow(held);
				}
				finally {
					this.retrying.set(false);
				}
			});
		}
	}

	/** The services last listed and those held, one spelling per id ignoring case. */
	private List<String> known(Supplier<List<String>> held) {
		Map<String, String> byCanonical = new TreeMap<>();
		this.lastListed.forEach((service) -> byCanonical.putIfAbsent(ServiceView.canonical(service), service));
		held.get().forEach((service) -> byCanonical.putIfAbsent(ServiceView.canonical(service), service));
		return List.copyOf(byCanonical.values());
	}

}
