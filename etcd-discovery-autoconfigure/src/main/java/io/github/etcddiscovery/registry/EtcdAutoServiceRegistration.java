package io.github.etcddiscovery.registry;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.etcddiscovery.discovery.EtcdDiscoveryProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 * while the in-flight ones drain.
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

	private final EtcdDiscoveryProperties properties;

	private final ApplicationContext context;

	private final AtomicBoolean registered = new AtomicBoolean();

	public EtcdAutoServiceRegistration(EtcdServiceRegistry registry, EtcdRegistration registration,
			EtcdDiscoveryProperties properties, ApplicationContext context) {
		this.registry = registry;
		this.registration = registration;
		this.properties = properties;
		this.context = context;
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

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (event.getApplicationContext() != this.context) {
			return;
		}
		if (this.registration.getPort() <= 0) {
			logger.info("Not registering " + this.registration.getServiceId() + " in etcd: no web server port and no "
					+ EtcdDiscoveryProperties.PREFIX + ".port configured");
			return;
		}
		if (this.registered.compareAndSet(false, true)) {
			this.context.publishEvent(new InstancePreRegisteredEvent(this, this.registration));
			this.registry.register(this.registration);
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
			if (this.properties.isDeregister()) {
				this.registry.deregister(this.registration);
				keepServingWhilePeersLetGo();
			}
			else {
				this.registry.abandon(this.registration);
			}
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

}
