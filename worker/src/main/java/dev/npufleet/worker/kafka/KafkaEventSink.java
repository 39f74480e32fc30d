package dev.npufleet.worker.kafka;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.worker.job.EventSink;
import dev.npufleet.worker.metrics.WorkerMetrics;
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
        CompletableFuture<Void> acked = new CompletableFuture<>();
        long t0 = System.nanoTime();
        try {
            byte[] bytes = value == null ? null : JsonCodec.encode(value);
            producer.send(new ProducerRecord<>(topic, key, bytes), (metadata, error) -> {
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
