package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import io.opentelemetry.context.Context;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Where the gateway publishes what it asks of the fleet. Implemented over Kafka; tests of the HTTP
 * layer use an in-memory fake. Any thread; no method blocks longer than the configured Kafka
 * timeout, and failures (a broker that cannot be reached) complete the futures exceptionally.
 */
public interface JobBus extends Canceller {
    /**
     * Publishes a job to its model's job topic.
     *
     * @param key the record key (routing key)
     * @param partition the partition a router chose, or empty for the key hash
     * @return completes when the broker acknowledged the job
     */
    CompletableFuture<Void> publishJob(Job job, String key, OptionalInt partition);

    /**
     * Publishes an asynchronous job or a batch line to the model's background lane
     * ({@link dev.npufleet.protocol.Topics#background}), which workers serve after the interactive lane, with a
     * bounded share. A bus without lanes publishes it as {@link #publishJob} does.
     *
     * @param partition a partition of the background topic a router chose, or empty for the key hash
     */
    default CompletableFuture<Void> publishBackgroundJob(Job job, String key, OptionalInt partition) {
        return publishJob(job, key, partition);
    }

    /**
     * As {@link #publishJob(Job, String, OptionalInt)}, the record carrying {@code trace} in its headers (W3C
     * {@code traceparent}, docs/PROTOCOL.md); a bus without headers ignores it.
     */
    default CompletableFuture<Void> publishJob(Job job, String key, OptionalInt partition, Context trace) {
        return publishJob(job, key, partition);
    }

    /** As {@link #publishBackgroundJob(Job, String, OptionalInt)}, the record carrying {@code trace}. */
    default CompletableFuture<Void> publishBackgroundJob(Job job, String key, OptionalInt partition, Context trace) {
        return publishBackgroundJob(job, key, partition);
    }

    /**
     * Publishes an event the gateway itself writes (an asynchronous job's ACCEPTED) to the events topic, keyed by
     * the job id with Kafka's default partitioner, like the workers' events, so that it lands in the job's partition.
     *
     * @return completes when the broker acknowledged it
     */
    CompletableFuture<Void> publishEvent(Event event);

    /**
     * Publishes a cancel to the control topic and reports the broker's acknowledgement; for a client's explicit
     * cancel, which must not be lost silently ({@link #cancel} is fire and forget).
     */
    CompletableFuture<Void> publishCancel(String jobId, String reason);

    /** Publishes a definition to the caches topic. @return its offset, once acknowledged */
    CompletableFuture<Long> publishCacheDefinition(CacheDefinition definition);

    /** Publishes the tombstone of {@code model/name} to the caches topic. @return its offset */
    CompletableFuture<Long> publishCacheDeletion(String model, String name);
}
