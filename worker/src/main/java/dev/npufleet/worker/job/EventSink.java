package dev.npufleet.worker.job;

import java.util.concurrent.CompletableFuture;

/**
 * Where the worker's records go (Kafka in production, a list in tests). Implementations are
 * thread-safe and never block the caller for long.
 */
public interface EventSink {
    /**
     * Publishes one protocol record as JSON.
     *
     * @param value a protocol record, or null for a tombstone
     * @return completes when the broker acknowledged the record, exceptionally when it could not
     *     be delivered; the callbacks may run on the sink's I/O thread
     */
    CompletableFuture<Void> send(String topic, String key, Object value);
}
