package io.github.etcddiscovery.benchmarks.lookup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.etcddiscovery.benchmarks.systems.FixedLists;
import io.github.etcddiscovery.discovery.EtcdDiscoveryCache;
import io.github.etcddiscovery.instance.EtcdServiceInstance;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Figure 1: what one lookup costs a caller, for a service of 1, 10 and 100 instances, through
 * the beans applications use (the composite {@link DiscoveryClient}, the reactive one, and
 * {@link LoadBalancerClient#choose}), next to the floor: {@link ConcurrentHashMap#get} of an
 * immutable list; and, for the reactive lookup and {@code choose}, next to what their API
 * costs at best ({@code floor...}). Spring Cloud Zookeeper (queries ZooKeeper per call) and Eureka (a local
 * copy refreshed by polling) are measured the same way.
 */
@State(Scope.Benchmark)
public class LookupBenchmark {

	@Param({ "1", "10", "100" })
	public int instances;

	private String service;

	private String fixedService;

	private final Map<String, List<Integer>> map = new ConcurrentHashMap<>();

	private DiscoveryClient etcd;

	private EtcdDiscoveryCache etcdCache;

	private ReactiveDiscoveryClient etcdReactive;

	private LoadBalancerClient etcdLoadBalancer;

	private DiscoveryClient zookeeper;

	private DiscoveryClient eureka;

	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) throws Exception {
		this.service = "svc-" + this.instances;
		this.fixedService = FixedLists.lookup(this.instances);
		for (int size : LookupFixtures.SIZES) {
			Integer[] list = new Integer[size];
			java.util.Arrays.setAll(list, i -> i);
			this.map.put("svc-" + size, List.of(list));
		}
		// Only the registry this benchmark measures: a forked JVM starts nothing else.
		String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
		LookupFixtures fixtures = LookupFixtures.get();
		// The choose floor is the etcd application's own load balancer, over a fixed list.
		if (method.startsWith("etcd") || method.equals("floorLoadBalancerChoose")) {
			ConfigurableApplicationContext etcd = fixtures.etcd();
			this.etcd = etcd.getBean(DiscoveryClient.class);
			this.etcdCache = etcd.getBean(EtcdDiscoveryCache.class);
			this.etcdReactive = etcd.getBean(ReactiveDiscoveryClient.class);
			this.etcdLoadBalancer = etcd.getBean(LoadBalancerClient.class);
		}
		else if (method.startsWith("zookeeper")) {
			this.zookeeper = fixtures.zookeeper().getBean(DiscoveryClient.class);
		}
		else if (method.startsWith("eureka")) {
			this.eureka = fixtures.eureka().getBean(DiscoveryClient.class);
		}
	}

	/** A forked JVM closes its application; in-process runs share them. */
	@TearDown(Level.Trial)
	public void tearDown(BenchmarkParams params) {
		if (params.getForks() > 0) {
			LookupFixtures.close();
		}
	}

	@Benchmark
	public List<Integer> baselineConcurrentHashMapGet() {
		return this.map.get(this.service);
	}

	@Benchmark
	public List<ServiceInstance> etcdGetInstances() {
		return this.etcd.getInstances(this.service);
	}

	/**
	 * Before: what {@code EtcdDiscoveryClient.getInstances} did per call until the memo of
	 * answers per snapshot (filter the cache's list by status, copy), kept to compare in the
	 * same run.
	 */
	@Benchmark
	public List<ServiceInstance> etcdGetInstancesBeforeMemo() {
		return this.etcdCache.instances(this.service)
			.stream()
			.filter(EtcdServiceInstance::isUp)
			.map(ServiceInstance.class::cast)
			.toList();
	}

	@Benchmark
	public List<ServiceInstance> etcdReactiveGetInstances() {
		return this.etcdReactive.getInstances(this.service).collectList().block();
	}

	@Benchmark
	public ServiceInstance etcdLoadBalancerChoose() {
		return this.etcdLoadBalancer.choose(this.service);
	}

	/**
	 * The reactive API's floor: the same immutable list as the baseline, as a {@code Flux}
	 * collected and blocked on the way {@link #etcdReactiveGetInstances} is.
	 */
	@Benchmark
	public List<Integer> floorReactiveGetInstances() {
		return Flux.fromIterable(this.map.get(this.service)).collectList().block();
	}

	/**
	 * The load balancer's floor: Spring Cloud LoadBalancer's own {@code choose} (the blocking
	 * client, round robin) in the same application, over a fixed list of as many instances
	 * ({@link FixedLists}), with no registry behind it.
	 */
	@Benchmark
	public ServiceInstance floorLoadBalancerChoose() {
		return this.etcdLoadBalancer.choose(this.fixedService);
	}

	@Benchmark
	public List<ServiceInstance> zookeeperGetInstances() {
		return this.zookeeper.getInstances(this.service);
	}

	@Benchmark
	public List<ServiceInstance> eurekaGetInstances() {
		return this.eureka.getInstances(this.service);
	}

}
