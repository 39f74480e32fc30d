package dev.npufleet.worker.job;

import io.opentelemetry.context.Context;
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

    /**
     * As {@link #send(String, String, Object)}, the record carrying {@code trace} in its headers (W3C
     * {@code traceparent}, docs/PROTOCOL.md); a sink without headers ignores it.
     */
    default CompletableFuture<Void> send(String topic, String key, Object value, Context trace) {
        return send(topic, key, value);
    }
}
