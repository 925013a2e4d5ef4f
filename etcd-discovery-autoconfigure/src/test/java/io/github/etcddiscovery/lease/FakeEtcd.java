package io.github.etcddiscovery.lease;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * An in-memory etcd behind {@link LeasePort}, for the unit test of {@link LeaseMachine}: it
 * answers at once, on the calling thread, unless told to fail every call or to hold the
 * answers to some operations until {@link #release released}. The test plays etcd's side of
 * the streams (keep-alive answers, watch events) through {@link #keepAlives()} and the
 * operator's through {@link #operatorDeletes} and the like. Pure state-machine testing only:
 * the behaviour against etcd is proven by the integration tests on a real etcd.
 */
final class FakeEtcd implements LeasePort {

	/** Every call, in order: {@code grant}, {@code put <key> <value> <lease>}, ... */
	final List<String> calls = new CopyOnWriteArrayList<>();

	/** The thread of each call, in the same order. */
	final List<String> callThreads = new CopyOnWriteArrayList<>();

	final Map<Long, Long> leases = new HashMap<>();

	final Map<String, Entry> keys = new HashMap<>();

	/** While set, every call fails with it. */
	@Nullable RuntimeException failure;

	private final Set<String> holding = new HashSet<>();

	private final List<Runnable> held = new ArrayList<>();

	private long nextLease = 0x10;

	private long revision = 1;

	private @Nullable KeepAlives keepAlives;

	private @Nullable KeyEvents watch;

	int keepAlivesOpened;

	/** What {@link #endpoints()} says: a three-member cluster. */
	int endpoints = 3;

	int watchesOpened;

	record Entry(String value, long lease) {
	}

	/** Calls of {@code operation} ("grant", "put", ...) get no answer until released. */
	void hold(String operation) {
		this.holding.add(operation);
	}

	/** Answers the held calls, and answers at once from now on. */
	void release() {
		this.holding.clear();
		List<Runnable> answers = new ArrayList<>(this.held);
		this.held.clear();
		answers.forEach(Runnable::run);
	}

	/** The open keep-alive stream's listener; fails when none is open. */
	KeepAlives keepAlives() {
		if (this.keepAlives == null) {
			throw new IllegalStateException("no keep-alive stream open");
		}
		return this.keepAlives;
	}

	boolean keepingAlive() {
		return this.keepAlives != null;
	}

	boolean watching() {
		return this.watch != null;
	}

	/** The open watch's listener; fails when none is open. */
	KeyEvents watch() {
		if (this.watch == null) {
			throw new IllegalStateException("no watch open");
		}
		return this.watch;
	}

	long callsOf(String operation) {
		return this.calls.stream().filter(call -> call.split(" ")[0].equals(operation)).count();
	}

	void operatorDeletes(String key) {
		if (this.keys.remove(key) != null && this.watch != null) {
			this.watch.deleted();
		}
	}

	void operatorPuts(String key, String value) {
		written(key, value, 0);
	}

	/** The lease expires in etcd: it and its keys are gone, as the watch tells. */
	void expire(long lease) {
		this.leases.remove(lease);
		List<String> gone = this.keys.entrySet()
			.stream()
			.filter(entry -> entry.getValue().lease() == lease)
			.map(Map.Entry::getKey)
			.toList();
		gone.forEach(this::operatorDeletes);
	}

	@Override
	public CompletableFuture<Long> grant(long ttlSeconds) {
		return answer("grant " + ttlSeconds, () -> {
			long lease = this.nextLease++;
			this.leases.put(lease, ttlSeconds);
			return lease;
		});
	}

	@Override
	public CompletableFuture<Long> timeToLive(long leaseId) {
		return answer("timeToLive " + leaseId, () -> this.leases.getOrDefault(leaseId, -1L));
	}

	@Override
	public CompletableFuture<Long> put(String key, byte[] value, long leaseId) {
		String text = new String(value, StandardCharsets.UTF_8);
		return answer("put " + key + " " + text + " " + leaseId, () -> {
			if (leaseId != 0 && !this.leases.containsKey(leaseId)) {
				throw new IllegalStateException("etcdserver: requested lease not found");
			}
			return written(key, text, leaseId);
		});
	}

	@Override
	public CompletableFuture<?> delete(String key) {
		return answer("delete " + key, () -> this.keys.remove(key));
	}

	@Override
	public CompletableFuture<?> revoke(long leaseId) {
		return answer("revoke " + leaseId, () -> {
			expire(leaseId);
			return leaseId;
		});
	}

	@Override
	public int endpoints() {
		return this.endpoints;
	}

	@Override
	public CompletableFuture<Long> keepAliveOnce(long leaseId) {
		return answer("keepAliveOnce " + leaseId, () -> this.leases.getOrDefault(leaseId, 0L));
	}

	@Override
	public Subscription keepAlive(long leaseId, KeepAlives listener) {
		this.calls.add("keepAlive " + leaseId);
		this.callThreads.add(Thread.currentThread().getName());
		this.keepAlivesOpened++;
		this.keepAlives = listener;
		return () -> {
			if (this.keepAlives == listener) {
				this.keepAlives = null;
			}
		};
	}

	@Override
	public Subscription watch(String key, long fromRevision, KeyEvents listener) {
		this.calls.add("watch " + key + " " + fromRevision);
		this.callThreads.add(Thread.currentThread().getName());
		this.watchesOpened++;
		this.watch = listener;
		return () -> {
			if (this.watch == listener) {
				this.watch = null;
			}
		};
	}

	private long written(String key, String value, long lease) {
		this.keys.put(key, new Entry(value, lease));
		this.revision++;
		if (this.watch != null) {
			this.watch.written(lease);
		}
		return this.revision;
	}

	private <T> CompletableFuture<T> answer(String call, Supplier<T> effect) {
		this.calls.add(call);
		this.callThreads.add(Thread.currentThread().getName());
		CompletableFuture<T> answer = new CompletableFuture<>();
		Runnable answering = () -> {
			if (this.failure != null) {
				answer.completeExceptionally(this.failure);
				return;
			}
			try {
				answer.complete(effect.get());
			}
			catch (RuntimeException ex) {
				answer.completeExceptionally(ex);
			}
		};
		if (this.holding.contains(call.split(" ")[0])) {
			this.held.add(answering);
		}
		else {
			answering.run();
		}
		return answer;
	}

}
