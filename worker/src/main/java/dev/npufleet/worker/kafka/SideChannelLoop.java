package dev.npufleet.worker.kafka;

import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.kafka.PartitionScan;
import dev.npufleet.worker.cache.CacheDefinitionView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's second consumer, without a group: every partition of the control topic from its
 * end, after reading the cancels of the last {@code cancelLookback} before it counts as started
 * (cancellations: each worker sees every one and acts on its own jobs; a job cancelled while it was
 * queued and no worker ran, say an asynchronous one, is still skipped) and of the caches topic
 * from its beginning (the compacted cache definitions, applied to the {@link CacheDefinitionView}).
 * Its thread owns the consumer; other threads call {@link #close()} and
 * {@link CatchUpRequests#request()}, which only set flags and call {@code wakeup()}. If it fails,
 * it tells the worker ({@code onFailure}), which then stops: a worker deaf to cancels and cache
 * deletions must not keep serving.
 */
public final class SideChannelLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SideChannelLoop.class);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final Topics topics;
    private final Consumer<String> onCancel;
    private final CacheDefinitionView view;
    private final CatchUpRequests catchUp;
    private final Duration pollTimeout;
    private final Duration cancelLookback;
    private final Consumer<Throwable> onFailure;
    private volatile Throwable failure;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    // Consumer thread only.
    private final List<Waiting> waiting = new ArrayList<>();
    private List<TopicPartition> cachePartitions = List.of();

    private record Waiting(CompletableFuture<Void> future, Map<TopicPartition, Long> ends) {
    }

    public SideChannelLoop(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, Topics topics,
            Consumer<String> onCancel, CacheDefinitionView view, CatchUpRequests catchUp, Duration pollTimeout,
            Consumer<Throwable> onFailure) {
        this(consumer, topics, onCancel, view, catchUp, pollTimeout, Duration.ZERO, onFailure);
    }

    /** @param cancelLookback how far back to read cancels at start ({@code ZERO}: none) */
    public SideChannelLoop(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, Topics topics,
            Consumer<String> onCancel, CacheDefinitionView view, CatchUpRequests catchUp, Duration pollTimeout,
            Duration cancelLookback, Consumer<Throwable> onFailure) {
        this.consumer = consumer;
        this.topics = topics;
        this.onCancel = onCancel;
        this.view = view;
        this.catchUp = catchUp;
        this.pollTimeout = pollTimeout;
        this.cancelLookback = cancelLookback;
        this.onFailure = onFailure;
        catchUp.onRequest(consumer::wakeup);
    }

    @Override
    public void run() {
        try {
            assign();
            started.countDown();
            while (running) {
                try {
                    takeRequests();
                    completeCaughtUp(); // often the view is there already: answer without a poll
                    // While someone waits for a catch-up, poll briefly so its records are applied soon.
                    Duration timeout = waiting.isEmpty() ? pollTimeout : Duration.ofMillis(20);
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
                        dispatch(r);
                    }
                    completeCaughtUp();
                } catch (WakeupException e) {
                    // a catch-up request or close: handled at the top of the loop
                }
            }
        } catch (RuntimeException e) {
            // Without it the worker would miss cancels and cache deletions: that is a broken worker.
            failure = e;
            LOG.atError().setCause(e).log("Control/caches consumer failed; the worker stops");
            onFailure.accept(e);
        } finally {
            started.countDown();
            waiting.forEach(w -> w.future().completeExceptionally(new IllegalStateException("closed")));
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
            stopped.countDown();
        }
    }

    /**
     * Waits until the consumer has its positions (so that later cancels are not missed).
     *
     * @return false when it did not start in time or failed to start
     */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    /** Why the loop stopped by itself, or null. */
    public Throwable failure() {
        return failure;
    }

    private void assign() {
        List<TopicPartition> control = partitions(topics.control());
        cachePartitions = partitions(topics.caches());
        List<TopicPartition> all = new ArrayList<>(control);
        all.addAll(cachePartitions);
        consumer.assign(all);
        consumer.seekToEnd(control);
        consumer.seekToBeginning(cachePartitions);
        // seekToEnd is lazy: resolve it now, so a cancel sent after start-up is read, not skipped.
        Map<TopicPartition, Long> ends = new HashMap<>();
        control.forEach(tp -> ends.put(tp, consumer.position(tp, Duration.ofSeconds(10))));
        if (!cancelLookback.isZero()) {
            replayCancels(control, ends);
        }
    }

    /** Reads the control topic from {@code cancelLookback} ago up to {@code ends}, before jobs are taken. */
    private void replayCancels(List<TopicPartition> control, Map<TopicPartition, Long> ends) {
        long from = System.currentTimeMillis() - cancelLookback.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        control.forEach(tp -> query.put(tp, from));
        consumer.offsetsForTimes(query, Duration.ofSeconds(10)).forEach((tp, at) -> {
            if (at != null) {
                consumer.seek(tp, at.offset());
            }
        });
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        int read = 0;
        while (control.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(10)) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("cannot read the last " + cancelLookback + " of cancels within "
                        + METADATA_WAIT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                read += r.topic().equals(topics.control()) ? 1 : 0;
                dispatch(r);
            }
        }
        LOG.atInfo().log("Read {} cancel request(s) of the last {} min", read, cancelLookback.toMinutes());
    }

    private List<TopicPartition> partitions(String topic) {
        // A topic created a moment ago (TopicSetup at start) may not be in every broker's metadata yet.
        long deadline = System.currentTimeMillis() + METADATA_WAIT.toMillis();
        while (true) {
            List<TopicPartition> partitions = PartitionScan.topicPartitions(consumer, topic, METADATA_WAIT);
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.currentTimeMillis() >= deadline || !running) {
                throw new KafkaException("topic " + topic + " has no partitions after " + METADATA_WAIT);
            }
            try {
                Thread.sleep(100); // metadata backoff
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted waiting for " + topic, e);
            }
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        if (r.topic().equals(topics.control())) {
            try {
                if (r.value() != null) {
                    onCancel.accept(JsonCodec.decode(r.value(), CancelRequest.class).jobId());
                }
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("offset", r.offset()).log("Ignoring a bad cancel request: {}", e.getMessage());
            }
        } else {
            view.apply(r.key(), r.value(), r.timestamp());
        }
    }

    private void takeRequests() {
        List<CompletableFuture<Void>> requests = catchUp.take();
        if (requests.isEmpty()) {
            return;
        }
        for (int tries = 0; ; tries++) {
            try {
                Map<TopicPartition, Long> ends = consumer.endOffsets(cachePartitions, Duration.ofSeconds(5));
                requests.forEach(f -> waiting.add(new Waiting(f, ends)));
                return;
            } catch (WakeupException e) {
                // another request's wakeup; the requests taken must not be lost
                if (tries >= 3) {
                    requests.forEach(f -> f.completeExceptionally(e));
                    return;
                }
            } catch (KafkaException e) {
                requests.forEach(f -> f.completeExceptionally(e));
                return;
            }
        }
    }

    private void completeCaughtUp() {
        waiting.removeIf(w -> {
            for (Map.Entry<TopicPartition, Long> e : w.ends().entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    return false;
                }
            }
            w.future().complete(null);
            return true;
        });
    }

    /** Stops the loop and waits for the consumer to close. Any thread; idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
