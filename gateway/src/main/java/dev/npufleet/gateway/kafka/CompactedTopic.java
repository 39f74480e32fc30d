package dev.npufleet.gateway.kafka;

import dev.npufleet.protocol.kafka.PartitionScan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A compacted topic of keyed records that the gateway writes over the bus and reads back with a
 * borrowed lookup consumer: the put-over-the-bus and read-a-key code the file and batch stores
 * share. Any thread.
 */
final class CompactedTopic {

    private final KafkaBus bus;
    private final LookupConsumers consumers;
    private final String topic;
    private final Duration timeout;
    private final String what;

    /** @param what names the records in the bus's metrics and errors ({@code file}, {@code batch}) */
    CompactedTopic(KafkaBus bus, LookupConsumers consumers, String topic, Duration timeout, String what) {
        this.bus = bus;
        this.consumers = consumers;
        this.topic = topic;
        this.timeout = timeout;
        this.what = what;
    }

    /** Writes {@code value} (null: a tombstone) under {@code key}; completes once the broker has it. */
    CompletableFuture<Void> put(String key, byte[] value, List<Header> headers) {
        return bus.send(new ProducerRecord<>(topic, null, key, value, headers), what).thenApply(metadata -> null);
    }

    /** Runs {@code read} on a lookup consumer. */
    <T> CompletableFuture<T> read(Function<Consumer<String, byte[]>, T> read) {
        return consumers.submit(read::apply);
    }

    /**
     * Hands {@code sink} every record of {@code key}'s partition from about {@code fromMillis} to the
     * end (the caller keeps those of its key); nothing when the topic does not exist yet.
     */
    void readFrom(Consumer<String, byte[]> consumer, String key, long fromMillis,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        int partitions = PartitionScan.partitions(consumer, topic, timeout);
        if (partitions == 0) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, PartitionScan.partitionOf(key, partitions));
        long end = PartitionScan.end(consumer, tp, timeout);
        PartitionScan.read(consumer, tp, PartitionScan.offsetAt(consumer, tp, fromMillis, end, timeout), end, timeout,
                sink);
    }

    /** Hands {@code sink} every record of every partition, from each partition's start. */
    void readAll(Consumer<String, byte[]> consumer, java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        int partitions = PartitionScan.partitions(consumer, topic, timeout);
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            PartitionScan.read(consumer, tp, start, PartitionScan.end(consumer, tp, timeout), timeout, sink);
        }
    }
}
