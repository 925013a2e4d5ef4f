package io.github.etcddiscovery.registry;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.etcd.jetcd.Client;
import io.github.etcddiscovery.client.EtcdAccessException;
import io.github.etcddiscovery.client.EtcdConnectionDetails;
import io.github.etcddiscovery.client.EtcdProperties;
import io.github.etcddiscovery.client.EtcdUnavailableException;
import io.github.etcddiscovery.instance.EtcdKeyspace;
import io.github.etcddiscovery.instance.InstanceStatus;
import io.github.etcddiscovery.client.Backoff;
import io.github.etcddiscovery.lease.LeaseListener;
import io.github.etcddiscovery.lease.LeaseSnapshot;
import io.github.etcddiscovery.lease.LeaseState;
import io.github.etcddiscovery.lease.LeasedKey;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Registers instances in etcd: one key per instance, {@code {prefix}/{serviceId}/{instanceId}},
 * attached to a lease that is kept alive, and restored whenever it is lost, until
 * {@link #deregister}. Registration and deregistration are Micrometer observations
 * ({@code etcd.register}, {@code etcd.deregister}), so traces show them.
 */
public class EtcdServiceRegistry implements ServiceRegistry<EtcdRegistration> {

	private final Client client;

	private final EtcdProperties etcdProperties;

	private final EtcdConnectionDetails connection;

	private final EtcdRegistrationProperties properties;

	private final EtcdKeyspace keyspace;

	private final ScheduledExecutorService executor;

	private final Map<String, LeasedKey> leases = new ConcurrentHashMap<>();

	/** Keys of registrations withdrawn while they are not UP (remove-when-not-up). */
	private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();

	private final List<LeaseListener> leaseListeners = new CopyOnWriteArrayList<>();

	private final LeaseListener toListeners = new LeaseListener() {

		@Override
		public void registering(String key) {
			EtcdServiceRegistry.this.leaseListeners.forEach(listener -> listener.registering(key));
		}

		@Override
		public void stateChanged(String key, LeaseState from, LeaseState to) {
			EtcdServiceRegistry.this.leaseListeners.forEach(listener -> listener.stateChanged(key, from, to));
		}

		@Override
		public void keepAliveFailed(String key) {
			EtcdServiceRegistry.this.leaseListeners.forEach(listener -> listener.keepAliveFailed(key));
		}

	};

	private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

	public EtcdServiceRegistry(Client client, EtcdProperties etcdProperties, EtcdConnectionDetails connection,
			EtcdRegistrationProperties properties, EtcdKeyspace keyspace) {
		this.connection = connection;
		this.client = client;
		this.etcdProperties = etcdProperties;
		this.properties = properties;
		this.keyspace = keyspace;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("etcd-registry-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadScheduledExecutor(threads);
	}

	/** Where registration and deregistration are observed; none by default. */
	public void setObservationRegistry(ObservationRegistry observations) {
		this.observations = observations;
	}

	/** Told about every registration's life cycle from now on. */
	public void addLeaseListener(LeaseListener listener) {
		this.leaseListeners.add(listener);
	}

	@Override
	public void register(@Nullable EtcdRegistration registration) {
		if (registration != null) {
			observe("etcd.register", "etcd register", registration).observe(() -> doRegister(registration));
		}
	}

	private Observation observe(String name, String contextualName, EtcdRegistration registration) {
		return Observation.createNotStarted(name, this.observations)
			.contextualName(contextualName)
			.lowCardinalityKeyValue("etcd.service", registration.getServiceId())
			.highCardinalityKeyValue("etcd.instance", registration.getInstanceId())
			.highCardinalityKeyValue("etcd.key", keyOf(registration));
	}

	private void doRegister(EtcdRegistration registration) {
		if (registration.getPort() <= 0) {
			throw new IllegalStateException("Cannot register " + registration + ": its port is not known yet");
		}
		String key = keyOf(registration);
		LeasedKey existing = this.leases.get(key);
		if (existing != null && existing.state() != LeaseState.DEREGISTERED) {
			return;
		}
		if (withheld(registration)) {
			this.withdrawn.add(key);
			return;
		}
		LeasedKey lease = new LeasedKey(this.client, this.etcdProperties.getEndpoints().size(), key,
				() -> this.keyspace.codec().encode(registration.toInstance()), this.properties.getTtl(),
				this.etcdProperties.getRequestTimeout(), this.executor, Backoff.RETRY, Clock.systemUTC());
		lease.listenWith(this.toListeners);
		this.leases.put(key, lease);
		try {
			lease.register(this.properties.isFailFast());
		}
		catch (EtcdUnavailableException ex) {
			this.leases.remove(key, lease);
			throw new EtcdUnavailableException("Could not register " + registration.getServiceId() + "/"
					+ registration.getInstanceId() + " in etcd at " + this.connection.displayEndpoints() + ": "
					+ ex.getMessage(), ex);
		}
		catch (EtcdAccessException ex) {
			this.leases.remove(key, lease);
			throw refused(registration, key, ex);
		}
	}

	/** Names who was refused what, and the narrowest grant that fixes it. */
	private EtcdAccessException refused(EtcdRegistration registration, String key, EtcdAccessException ex) {
		String user = (this.connection.getUsername() != null) ? "etcd user '" + this.connection.getUsername() + "'"
				: "this client (no etcd user configured)";
		return new EtcdAccessException("Could not register " + registration.getServiceId() + "/"
				+ registration.getInstanceId() + ": " + user + " may not write " + this.keyspace.stored(key) + " ("
				+ ex.getMessage() + ")",
				"Grant the user's role readwrite on its service's prefix: "
						+ this.keyspace.writeGrant(registration.getServiceId()) + " ; or, for an application that only "
						+ "discovers others, set " + EtcdRegistrationProperties.PREFIX + ".register=false. "
						+ "See the Security section of the etcd-discovery README.",
				ex);
	}

	@Override
	public void deregister(@Nullable EtcdRegistration registration) {
		if (registration != null) {
			observe("etcd.deregister", "etcd deregister", registration).observe(() -> stop(registration, true));
		}
	}

	/**
	 * Stops keeping the registration alive without removing it: peers see it until its
	 * lease expires.
	 */
	public void abandon(EtcdRegistration registration) {
		stop(registration, false);
	}

	private void stop(EtcdRegistration registration, boolean removeKey) {
		this.withdrawn.remove(keyOf(registration));
		LeasedKey lease = this.leases.remove(keyOf(registration));
		if (lease != null) {
			lease.deregister(removeKey);
		}
	}

	@Override
	public void close() {
		this.leases.values().forEach(lease -> lease.deregister(this.properties.isDeregister()));
		this.leases.clear();
		this.executor.shutdownNow();
	}

	@Override
	public void setStatus(EtcdRegistration registration, String status) {
		registration.setStatus(status);
		publishStatus(registration);
	}

	/**
	 * Writes the registration's status where peers read it. With remove-when-not-up, an
	 * instance that is not UP is withdrawn instead (key deleted, lease revoked, since Go's
	 * resolver reads every key whatever its status), and registered again when it is UP.
	 */
	private void publishStatus(EtcdRegistration registration) {
		String key = keyOf(registration);
		if (withheld(registration)) {
			LeasedKey lease = this.leases.remove(key);
			if (lease != null) {
				this.withdrawn.add(key);
				lease.deregister(true);
			}
			return;
		}
		if (this.withdrawn.remove(key)) {
			doRegister(registration);
			return;
		}
		LeasedKey lease = this.leases.get(key);
		if (lease != null) {
			lease.rewrite();
		}
	}

	private boolean withheld(EtcdRegistration registration) {
		return this.properties.isRemoveWhenNotUp() && !InstanceStatus.isUp(registration.getStatus());
	}

	/** Whether the registration is withdrawn from etcd while it is not UP (remove-when-not-up). */
	public boolean isWithdrawn(EtcdRegistration registration) {
		return this.withdrawn.contains(keyOf(registration));
	}

	/**
	 * Tells the registration what the application's health says: unhealthy, an {@code UP}
	 * registration is written as {@code DOWN}; a status set by hand other than {@code UP}
	 * wins either way. Writes only when the status peers see changes.
	 */
	public void setHealthy(EtcdRegistration registration, boolean healthy) {
		String before = registration.getStatus();
		registration.setHealthy(healthy);
		if (!before.equals(registration.getStatus())) {
			publishStatus(registration);
		}
	}

	/**
	 * Replaces the registration's metadata and, when it is registered, rewrites its key under
	 * the same lease: peers see the new metadata as they see any other change. Returns once
	 * etcd took it (or the request timed out, and the recovery writes it).
	 */
	public void setMetadata(EtcdRegistration registration, Map<String, String> metadata) {
		registration.replaceMetadata(metadata);
		LeasedKey lease = this.leases.get(keyOf(registration));
		if (lease != null) {
			lease.rewrite();
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getStatus(EtcdRegistration registration) {
		return (T) registration.getStatus();
	}

	public Optional<LeaseSnapshot> lease(EtcdRegistration registration) {
		return Optional
			.ofNullable(this.leases.get(keyOf(registration)))
			.map(LeasedKey::snapshot);
	}

	private String keyOf(EtcdRegistration registration) {
		return this.keyspace.key(registration.getServiceId(), registration.getInstanceId());
	}

	public List<LeaseSnapshot> leases() {
		return this.leases.values().stream().map(LeasedKey::snapshot).toList();
	}

}
