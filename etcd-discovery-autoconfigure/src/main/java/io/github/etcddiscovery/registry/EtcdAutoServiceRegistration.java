package io.github.etcddiscovery.registry;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstancePreRegisteredEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Registers this application once it is ready to serve, and deregisters it when the context
 * closes, before the web server starts its graceful shutdown: peers stop sending new requests
 * while the in-flight ones drain. {@link RegistrationHooks} run around both; a management
 * server on a port of its own is announced in the metadata Spring Boot Admin reads and, with
 * {@code spring.cloud.service-registry.auto-registration.register-management} (the default), as
 * an instance of {@code {serviceId}-management}.
 */
public class EtcdAutoServiceRegistration
		implements AutoServiceRegistration, SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {

	/**
	 * Stops after ordinary beans (phase {@link SmartLifecycle#DEFAULT_PHASE}) and before the
	 * web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}), which stops later
	 * because its phase is lower.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(EtcdAutoServiceRegistration.class);

	private final EtcdServiceRegistry registry;

	private final EtcdRegistration registration;

	private final EtcdRegistrationProperties properties;

	private final ApplicationContext context;

	private final RegistrationHooks hooks;

	private final boolean registerManagement;

	private final AtomicBoolean registered = new AtomicBoolean();

	private volatile int managementPort;

	private volatile @Nullable EtcdRegistration managementRegistration;

	public EtcdAutoServiceRegistration(EtcdServiceRegistry registry, EtcdRegistration registration,
			EtcdRegistrationProperties properties, ApplicationContext context, RegistrationHooks hooks,
			boolean registerManagement) {
		this.registry = registry;
		this.registration = registration;
		this.properties = properties;
		this.context = context;
		this.hooks = hooks;
		this.registerManagement = registerManagement;
	}

	/**
	 * The port the web server bound, unless {@code port} is configured: a configured port
	 * (behind a proxy, say) wins.
	 */
	public void webServerStarted(int port) {
		if (this.properties.getPort() == null && this.registration.getPort() == 0) {
			this.registration.setPort(port);
		}
	}

	/** The port of a management server that runs apart from the application's web server. */
	public void managementServerStarted(int port) {
		this.managementPort = port;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (event.getApplicationContext() != this.context) {
			return;
		}
		if (this.registration.getPort() <= 0) {
			logger.info("Not registering " + this.registration.getServiceId() + " in etcd: no web server port and no "
					+ EtcdRegistrationProperties.PREFIX + ".port configured");
			return;
		}
		if (this.registered.compareAndSet(false, true)) {
			ManagementRegistration management = new ManagementRegistration(this.context.getEnvironment());
			boolean separateManagement = this.managementPort > 0 && this.managementPort != this.registration.getPort();
			if (separateManagement) {
				management.metadata(this.managementPort).forEach(this.registration.getMetadata()::putIfAbsent);
			}
			this.hooks.customize(this.registration);
			this.context.publishEvent(new InstancePreRegisteredEvent(this, this.registration));
			this.hooks.register(this.registration, () -> this.registry.register(this.registration));
			if (separateManagement && this.registerManagement) {
				EtcdRegistration instance = management.instance(this.registration, this.managementPort);
				this.managementRegistration = instance;
				this.hooks.registerManagement(instance, () -> this.registry.register(instance));
			}
			this.context.publishEvent(new InstanceRegisteredEvent<>(this, this.registration));
		}
	}

	/** Registration happens on {@link ApplicationReadyEvent}, not on context refresh. */
	@Override
	public boolean isAutoStartup() {
		return false;
	}

	@Override
	public void start() {
		// Nothing: see isAutoStartup.
	}

	@Override
	public void stop() {
		if (this.registered.compareAndSet(true, false)) {
			this.hooks.deregister(this.registration, () -> remove(this.registration));
			EtcdRegistration management = this.managementRegistration;
			if (management != null) {
				this.hooks.deregisterManagement(management, () -> remove(management));
			}
			if (this.properties.isDeregister()) {
				keepServingWhilePeersLetGo();
			}
		}
	}

	private void remove(EtcdRegistration registration) {
		if (this.properties.isDeregister()) {
			this.registry.deregister(registration);
		}
		else {
			this.registry.abandon(registration);
		}
	}

	/**
	 * Peers may have picked this instance just before they saw it go; the web server's
	 * graceful shutdown, next, would refuse their requests.
	 */
	private void keepServingWhilePeersLetGo() {
		long delay = this.properties.getShutdownDelay().toMillis();
		if (delay <= 0) {
			return;
		}
		logger.info("Deregistered " + this.registration.getInstanceId() + "; serving " + delay
				+ " ms more while peers let go");
		try {
			Thread.sleep(delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.registered.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	public EtcdRegistration getRegistration() {
		return this.registration;
	}

	/** The {@code {serviceId}-management} instance, while it is registered. */
	public @Nullable EtcdRegistration getManagementRegistration() {
		return this.registered.get() ? this.managementRegistration : null;
	}

}
