package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Job;
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

    /** Publishes a definition to the caches topic. @return its offset, once acknowledged */
    CompletableFuture<Long> publishCacheDefinition(CacheDefinition definition);

    /** Publishes the tombstone of {@code model/name} to the caches topic. @return its offset */
    CompletableFuture<Long> publishCacheDeletion(String model, String name);
}
