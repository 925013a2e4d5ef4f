package io.github.etcddiscovery.metrics;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.github.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.github.etcddiscovery.testapp.TestApps;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code etcd.} meters of running applications, read as an operator reads them: through
 * {@code /actuator/metrics} and {@code /actuator/prometheus}, against a real etcd.
 */
class MetricsIntegrationTest {

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final TestApps apps = TestApps.onSharedEtcd();

	@Test
	void registrationViewAndRequestMetersThroughTheActuator() throws Exception {
		ConfigurableApplicationContext app = this.apps.startWith(Observations.class, "orders",
				"management.endpoints.web.exposure.include=health,metrics,prometheus",
				"spring.cloud.etcd.discovery.resync-interval=300ms");
		ConfigurableApplicationContext billing = this.apps.start("billing");
		await().until(() -> app.getBean(EtcdDiscoveryClient.class).getServices().size() == 2);

		assertThat(metric(app, "etcd.registration.state?tag=state:ACTIVE")).isEqualTo(1);
		assertThat(metric(app, "etcd.registration.state?tag=state:RECOVERING")).isZero();
		assertThat(metric(app, "etcd.registration.time", "COUNT")).isEqualTo(1);
		assertThat(metric(app, "etcd.registration.time", "TOTAL_TIME")).isPositive();
		assertThat(metric(app, "etcd.discovery.services")).isEqualTo(2);
		assertThat(metric(app, "etcd.discovery.instances")).isEqualTo(2);
		assertThat(metric(app, "etcd.discovery.events")).as("billing arrived by the watch").isGreaterThanOrEqualTo(1);
		assertThat(metric(app, "etcd.discovery.lists")).isGreaterThanOrEqualTo(1);
		assertThat(metric(app, "etcd.discovery.watching")).isEqualTo(1);
		long billingRevision = this.apps.etcd().keyValue(this.apps.keyOf(billing)).getModRevision();
		assertThat(metric(app, "etcd.discovery.revision")).isGreaterThanOrEqualTo(billingRevision);
		await().untilAsserted(() -> assertThat(metric(app, "etcd.discovery.resync.checks?tag=result:in-sync"))
			.isGreaterThanOrEqualTo(1));
		await().untilAsserted(() -> assertThat(metric(app, "etcd.discovery.revision.lag")).isZero());
		assertThat(metric(app, "etcd.requests?tag=operation:KV.Put&tag=status:OK", "COUNT"))
			.as("the registration's put").isGreaterThanOrEqualTo(1);
		assertThat(metric(app, "etcd.requests?tag=operation:Lease.LeaseGrant&tag=status:OK", "COUNT"))
			.isGreaterThanOrEqualTo(1);
		assertThat(metric(app, "etcd.register", "COUNT")).as("the observation's timer").isEqualTo(1);

		this.apps.etcd().delete(this.apps.keyOf(app));
		await().untilAsserted(() -> assertThat(metric(app, "etcd.registration.recoveries")).isEqualTo(1));
		assertThat(metric(app, "etcd.registration.state?tag=state:ACTIVE")).isEqualTo(1);

		String prometheus = TestApps.get(app, "/actuator/prometheus").body();
		assertThat(prometheus).contains("etcd_registration_state{state=\"ACTIVE\"} 1.0")
			.contains("etcd_registration_recoveries_total 1.0")
			.contains("etcd_discovery_instances 2.0")
			.contains("etcd_discovery_revision_lag 0.0")
			.containsPattern("etcd_requests_seconds_count\\{operation=\"KV.Put\",status=\"OK\"} [1-9]")
			.contains("etcd_registration_time_seconds_count 1")
			.contains("etcd_discovery_resync_checks_total{result=\"in-sync\"}");
	}

	@Test
	void registrationAndDeregistrationAreObserved() {
		ConfigurableApplicationContext app = this.apps.startWith(Observations.class, "orders");
		List<String> observed = app.getBean(Observations.class).stopped;
		String instanceId = TestApps.instanceId(app);

		assertThat(observed).containsExactly("etcd.register service=orders instance=" + instanceId);

		app.close();

		assertThat(observed).containsExactly("etcd.register service=orders instance=" + instanceId,
				"etcd.deregister service=orders instance=" + instanceId);
	}

	@Test
	void tenThousandInstancesAddNoMeters() throws Exception {
		ConfigurableApplicationContext app = this.apps.start("orders");
		MeterRegistry meters = app.getBean(MeterRegistry.class);
		await().until(() -> meters.get("etcd.discovery.instances").gauge().value() == 1);
		Set<Meter.Id> before = etcdMeters(meters);

		Client etcd = this.apps.etcd().jetcd();
		long lease = etcd.getLeaseClient().grant(60).get().getID();
		List<CompletableFuture<?>> puts = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			String key = this.apps.prefix() + "/svc-" + (i % 100) + "/i-" + i;
			puts.add(etcd.getKVClient()
				.put(bytes(key), bytes("127.0.0.1:" + (10_000 + i)), PutOption.builder().withLeaseId(lease).build()));
			if (puts.size() == 500) {
				CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
				puts.clear();
			}
		}
		CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> meters.get("etcd.discovery.instances").gauge().value() == 10_001);

		assertThat(meters.get("etcd.discovery.services").gauge().value()).isEqualTo(101);
		assertThat(meters.get("etcd.discovery.events").counter().count()).isGreaterThanOrEqualTo(10_000);
		Set<Meter.Id> after = etcdMeters(meters);
		assertThat(after.stream().flatMap(id -> id.getTags().stream()).map(Tag::getKey).collect(Collectors.toSet()))
			.as("no tag names a service or an instance")
			.isSubsetOf("state", "result", "operation", "status", "error", "etcd.service");
		assertThat(withoutRequestMeters(after)).as("the same meters as with one instance")
			.isEqualTo(withoutRequestMeters(before));
		etcd.getLeaseClient().revoke(lease).get();
	}

	/** Those come per operation and gRPC status, whatever the number of instances. */
	private static Set<Meter.Id> withoutRequestMeters(Set<Meter.Id> ids) {
		return ids.stream()
			.filter(id -> !id.getName().startsWith("etcd.requests") && !id.getName().equals("etcd.streams.errors"))
			.collect(Collectors.toSet());
	}

	private static Set<Meter.Id> etcdMeters(MeterRegistry meters) {
		return meters.getMeters()
			.stream()
			.map(Meter::getId)
			.filter(id -> id.getName().startsWith("etcd."))
			.collect(Collectors.toSet());
	}

	/** A gauge's value, or a counter's count. */
	private double metric(ConfigurableApplicationContext app, String nameAndQuery) throws Exception {
		boolean counter = nameAndQuery.matches("etcd\\.(registration\\.recoveries|discovery\\.(events|lists|resync\\.checks)).*");
		return metric(app, nameAndQuery, counter ? "COUNT" : "VALUE");
	}

	private double metric(ConfigurableApplicationContext app, String nameAndQuery, String statistic) throws Exception {
		HttpResponse<String> response = TestApps.get(app, "/actuator/metrics/" + nameAndQuery);
		assertThat(response.statusCode()).as(nameAndQuery).isEqualTo(200);
		for (JsonNode measurement : this.json.readTree(response.body()).get("measurements")) {
			if (measurement.get("statistic").stringValue().equals(statistic)) {
				return measurement.get("value").doubleValue();
			}
		}
		throw new AssertionError(statistic + " missing in " + response.body());
	}


	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/** Records every finished observation of ours, as a tracer would. */
	@Configuration(proxyBeanMethods = false)
	static class Observations {

		final List<String> stopped = new CopyOnWriteArrayList<>();

		@Bean
		ObservationHandler<Observation.Context> etcdObservationRecorder() {
			return new ObservationHandler<>() {

				@Override
				public void onStop(Observation.Context context) {
					if (context.getName().startsWith("etcd.")) {
						Observations.this.stopped.add(context.getName() + " service="
								+ context.getLowCardinalityKeyValue("etcd.service").getValue() + " instance="
								+ context.getHighCardinalityKeyValue("etcd.instance").getValue());
					}
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			};
		}

	}

}
