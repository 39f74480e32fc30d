package dev.npufleet.worker.kafka;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.tracing.TraceHeaders;
import dev.npufleet.worker.job.EventSink;
import dev.npufleet.worker.metrics.WorkerMetrics;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link EventSink} over the worker's one producer: JSON values, futures completed by the
 * producer's callbacks (on its I/O thread), acknowledgement times measured. Thread-safe.
 */
public final class KafkaEventSink implements EventSink {

    private final Producer<String, byte[]> producer;
    private final WorkerMetrics metrics;
    private final BrokerLink link;

    public KafkaEventSink(Producer<String, byte[]> producer, WorkerMetrics metrics, BrokerLink link) {
        this.producer = producer;
        this.metrics = metrics;
        this.link = link;
    }

    @Override
    public CompletableFuture<Void> send(String topic, String key, Object value) {
        return send(topic, key, value, Context.root());
    }

    @Override
    public CompletableFuture<Void> send(String topic, String key, Object value, Context trace) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        long t0 = System.nanoTime();
        try {
            byte[] bytes = value == null ? null : JsonCodec.encode(value);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, bytes);
            TraceHeaders.inject(trace, record.headers());
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    link.failed(error);
                    acked.completeExceptionally(error);
                } else {
                    link.delivered();
                    metrics.kafkaAck(System.nanoTime() - t0);
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }
}
