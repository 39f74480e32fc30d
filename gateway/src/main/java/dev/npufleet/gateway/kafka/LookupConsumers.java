package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small bounded pool of threads ({@code gateway-lookup-N}) and group-less consumers for reading
 * history on demand (jobs' events, files, batches). Each task borrows one consumer, so a consumer
 * is used by one thread at a time; there are never more consumers than threads. Callers never
 * block: a full queue fails the future. {@link #close()} stops the threads, then closes the
 * consumers. Any thread.
 */
public final class LookupConsumers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LookupConsumers.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 256;

    private final Supplier<Consumer<String, byte[]>> factory;
    private final Duration closeTimeout;
    private final BlockingQueue<Consumer<String, byte[]>> idle = new LinkedBlockingQueue<>();
    private final List<Consumer<String, byte[]>> created = new ArrayList<>(); // guarded by itself
    private final ThreadPoolExecutor pool;

    public LookupConsumers(GatewayKafka config) {
        this(consumers(config), config.timeout());
    }

    LookupConsumers(Supplier<Consumer<String, byte[]>> factory, Duration closeTimeout) {
        this.factory = factory;
        this.closeTimeout = closeTimeout;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "gateway-lookup-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    private static Supplier<Consumer<String, byte[]>> consumers(GatewayKafka config) {
        AtomicInteger n = new AtomicInteger();
        return () -> {
            var props = KafkaProps.consumer(config, "lookup-" + n.incrementAndGet());
            // Reading history: take big batches; the end offset, not an empty poll, says when to stop.
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            return new KafkaConsumer<>(props);
        };
    }

    /** Runs {@code work} with a consumer of its own, on the pool. */
    public <T> CompletableFuture<T> submit(Function<Consumer<String, byte[]>, T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> withConsumer(work), pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new KafkaException("too many lookups queued", e));
        }
    }

    private <T> T withConsumer(Function<Consumer<String, byte[]>, T> work) {
        Consumer<String, byte[]> consumer = idle.poll();
        if (consumer == null) {
            consumer = factory.get();
            synchronized (created) {
                created.add(consumer);
            }
        }
        try {
            return work.apply(consumer);
        } finally {
            try {
                consumer.assign(List.of());
            } catch (RuntimeException e) {
                LOG.debug("unassigning a lookup consumer failed", e);
            }
            idle.add(consumer);
        }
    }

    /** Stops the lookups (queued ones fail) and closes the consumers. Idempotent. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("lookups still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (created) {
            for (Consumer<String, byte[]> c : created) {
                try {
                    c.close(CloseOptions.timeout(Duration.ofSeconds(1)));
                } catch (RuntimeException e) {
                    LOG.debug("closing a lookup consumer failed", e);
                }
            }
            created.clear();
        }
    }
}
