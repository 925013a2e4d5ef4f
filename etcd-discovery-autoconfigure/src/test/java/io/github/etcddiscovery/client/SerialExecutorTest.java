package io.github.etcddiscovery.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link SerialExecutor}: one task at a time, in order, inline only when idle, never a lost
 * task, and what an inline task queues drained by the component's thread.
 */
class SerialExecutorTest {

	private final ExecutorService thread = Executors.newSingleThreadExecutor((task) -> new Thread(task, "own"));

	private final SerialExecutor serial = new SerialExecutor(this.thread);

	@AfterEach
	void stop() {
		this.thread.shutdownNow();
	}

	@Test
	void anIdleExecutorRunsAnInlineTaskOnTheCallingThreadAndExecuteOnItsOwn() throws Exception {
		AtomicReference<String> inline = new AtomicReference<>();
		this.serial.executeInline(() -> inline.set(Thread.currentThread().getName()));
		assertThat(inline.get()).isEqualTo(Thread.currentThread().getName());

		CountDownLatch done = new CountDownLatch(1);
		AtomicReference<String> queued = new AtomicReference<>();
		this.serial.execute(() -> {
			queued.set(Thread.currentThread().getName());
			done.countDown();
		});
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(queued.get()).isEqualTo("own");
	}

	@Test
	void aBusyExecutorQueuesAnInlineTaskBehindTheRunningOneAndItsOwnThreadRunsIt() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> order = new ArrayList<>();
		this.serial.execute(() -> {
			running.countDown();
			awaitQuietly(release);
			order.add("slow");
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

		AtomicReference<String> ranOn = new AtomicReference<>();
		this.serial.executeInline(() -> {
			ranOn.set(Thread.currentThread().getName());
			order.add("inline");
		});
		this.serial.execute(() -> order.add("after"));
		assertThat(ranOn.get()).as("not run while the slow task runs").isNull();

		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> runOnOwnThread(() -> order.size() == 3));
		assertThat(runOnOwnThread(() -> order)).containsExactly("slow", "inline", "after");
		assertThat(ranOn.get()).isEqualTo("own");
	}

	@Test
	void whatAnInlineTaskQueuesIsDrainedByTheOwnThreadNotByTheCaller() throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		AtomicReference<String> followUp = new AtomicReference<>();
		this.serial.executeInline(() -> this.serial.execute(() -> {
			followUp.set(Thread.currentThread().getName());
			done.countDown();
		}));
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(followUp.get()).isEqualTo("own");
	}

	@Test
	void manySubmittersNeverRunTwoTasksAtOnceAndLoseNone() throws Exception {
		int submitters = 4;
		int perSubmitter = 5_000;
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		int[] count = new int[1]; // unsynchronized on purpose: the executor's ordering protects it
		List<Thread> threads = new ArrayList<>();
		for (int s = 0; s < submitters; s++) {
			boolean inline = s % 2 == 0;
			Thread submitter = new Thread(() -> {
				for (int i = 0; i < perSubmitter; i++) {
					Runnable task = () -> {
						if (inside.incrementAndGet() != 1) {
							overlaps.incrementAndGet();
						}
						count[0]++;
						inside.decrementAndGet();
					};
					if (inline) {
						this.serial.executeInline(task);
					}
					else {
						this.serial.execute(task);
					}
				}
			});
			threads.add(submitter);
			submitter.start();
		}
		for (Thread submitter : threads) {
			submitter.join(30_000);
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> runOnOwnThread(() -> count[0]) == submitters * perSubmitter);
		assertThat(overlaps.get()).isZero();
	}

	@Test
	void oneSubmittersTasksRunInTheOrderGivenWhicheverWayTheyWereSubmitted() throws Exception {
		List<Integer> seen = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			int n = i;
			if (i % 3 == 0) {
				this.serial.executeInline(() -> seen.add(n));
			}
			else {
				this.serial.execute(() -> seen.add(n));
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> runOnOwnThread(() -> seen.size() == 2_000));
		List<Integer> copy = runOnOwnThread(() -> new ArrayList<>(seen));
		assertThat(copy).isSorted().hasSize(2_000);
	}

	@Test
	void aTaskThatThrowsDoesNotStopTheNextOnes() throws Exception {
		this.serial.executeInline(() -> {
			throw new IllegalStateException("boom");
		});
		this.serial.execute(() -> {
			throw new IllegalStateException("boom");
		});
		CountDownLatch done = new CountDownLatch(1);
		this.serial.execute(done::countDown);
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void onceItsThreadIsShutDownEveryTaskIsRefused() {
		this.thread.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.serial.execute(() -> {
		}));
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.serial.executeInline(() -> {
			}));
	}

	/** Reads state the executor's tasks own, through the executor itself (happens-before). */
	private <T> T runOnOwnThread(Supplier<T> read) throws Exception {
		CompletableFuture<T> result = new CompletableFuture<>();
		this.serial.execute(() -> result.complete(read.get()));
		return result.get(10, TimeUnit.SECONDS);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
