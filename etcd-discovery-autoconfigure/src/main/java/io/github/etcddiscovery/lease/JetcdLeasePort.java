package io.github.etcddiscovery.lease;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.etcddiscovery.client.EtcdWatchErrors;
import io.grpc.stub.StreamObserver;

/**
 * {@link LeasePort} over jetcd. jetcd facts it translates: a keep-alive {@code onError} is
 * transient unless it says {@code NOT_FOUND} (the lease is gone on the server);
 * {@code onCompleted} means jetcd gave up on the lease; a watch error either is resumed by
 * jetcd, or says "no leader", or ends the watch.
 */
final class JetcdLeasePort implements LeasePort {

	private final Client client;

	private final int endpoints;

	JetcdLeasePort(Client client, int endpoints) {
		this.client = client;
		this.endpoints = endpoints;
	}

	@Override
	public int endpoints() {
		return this.endpoints;
	}

	@Override
	public CompletableFuture<Long> grant(long ttlSeconds) {
		return this.client.getLeaseClient().grant(ttlSeconds).thenApply(response -> response.getID());
	}

	@Override
	public CompletableFuture<Long> timeToLive(long leaseId) {
		return this.client.getLeaseClient()
			.timeToLive(leaseId, LeaseOption.DEFAULT)
			.thenApply(LeaseTimeToLiveResponse::getTTL);
	}

	@Override
	public CompletableFuture<Long> put(String key, byte[] value, long leaseId) {
		return this.client.getKVClient()
			.put(bytes(key), ByteSequence.from(value), PutOption.builder().withLeaseId(leaseId).build())
			.thenApply(response -> response.getHeader().getRevision());
	}

	@Override
	public CompletableFuture<?> delete(String key) {
		return this.client.getKVClient().delete(bytes(key));
	}

	@Override
	public CompletableFuture<?> revoke(long leaseId) {
		return this.client.getLeaseClient().revoke(leaseId);
	}

	@Override
	public CompletableFuture<Long> keepAliveOnce(long leaseId) {
		return this.client.getLeaseClient()
			.keepAliveOnce(leaseId)
			.thenApply(LeaseKeepAliveResponse::getTTL)
			.exceptionally(failure -> {
				Throwable error = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				if (isNotFound(error)) {
					return 0L;
				}
				throw (failure instanceof CompletionException completion) ? completion
						: new CompletionException(failure);
			});
	}

	@Override
	public Subscription keepAlive(long leaseId, KeepAlives listener) {
		CloseableClient stream = this.client.getLeaseClient()
			.keepAlive(leaseId, new StreamObserver<LeaseKeepAliveResponse>() {

				@Override
				public void onNext(LeaseKeepAliveResponse response) {
					listener.renewed(response.getTTL());
				}

				@Override
				public void onError(Throwable error) {
					if (isNotFound(error)) {
						listener.leaseNotFound();
					}
					else {
						listener.interrupted(error);
					}
				}

				@Override
				public void onCompleted() {
					listener.gaveUp();
				}

			});
		return stream::close;
	}

	@Override
	public Subscription watch(String key, long fromRevision, KeyEvents listener) {
		WatchOption option = WatchOption.builder().withRevision(fromRevision).withRequireLeader(true).build();
		Watch.Watcher watcher = this.client.getWatchClient().watch(bytes(key), option, Watch.listener(response -> {
			for (WatchEvent event : response.getEvents()) {
				if (event.getEventType() == WatchEvent.EventType.DELETE) {
					listener.deleted();
				}
				else {
					listener.written(event.getKeyValue().getLease());
				}
			}
		}, error -> {
			if (EtcdWatchErrors.isNoLeader(error)) {
				listener.noLeader();
			}
			else if (EtcdWatchErrors.endsTheWatch(error)) {
				listener.ended(String.valueOf(error.getMessage()));
			}
		}));
		return watcher::close;
	}

	private static boolean isNotFound(Throwable error) {
		return error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND;
	}

	private static ByteSequence bytes(String key) {
		return ByteSequence.from(key.getBytes(StandardCharsets.UTF_8));
	}

}
