package dev.npufleet.protocol.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Utils;

/**
 * Reading one partition's history with a borrowed consumer: where a key lives, where a time
 * starts, every record from an offset up to an end offset captured before. Used by gateways (a
 * job's, file's or batch's records) and workers (a job's earlier events). Stateless helpers; the
 * calling thread owns the consumer.
 */
public final class PartitionScan {
    /** Producers' clocks may run behind the clock that made a time-ordered id. */
    public static final long SKEW_MARGIN_MS = 60_000;
    private static final Duration POLL = Duration.ofMillis(200);
    /** The longest one scan may read (a long partition), however healthy the broker. */
    private static final Duration MAX_SCAN = Duration.ofSeconds(30);

    private PartitionScan() {
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code key}. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The topic's partition count; 0 when the topic does not exist (yet). */
    public static int partitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        return topicPartitions(consumer, topic, timeout).size();
    }

    /** The topic's partitions; none when the topic does not exist (yet). */
    public static List<TopicPartition> topicPartitions(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        return infos == null ? List.of()
                : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    public static long end(Consumer<String, byte[]> consumer, TopicPartition tp, Duration timeout) {
        return consumer.endOffsets(List.of(tp), timeout).get(tp);
    }

    /** The first offset at or after {@code fromMillis} minus the skew margin; {@code end} when none. */
    public static long offsetAt(Consumer<String, byte[]> consumer, TopicPartition tp, long fromMillis, long end,
            Duration timeout) {
        OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, Math.max(0, fromMillis - SKEW_MARGIN_MS)), timeout)
                .get(tp);
        return at == null ? end : at.offset();
    }

    /**
     * Hands every record in {@code [start, end)} to {@code sink}, in order.
     *
     * @throws TimeoutException when the broker sends nothing for {@code timeout}, or the scan runs too long
     */
    public static void read(Consumer<String, byte[]> consumer, TopicPartition tp, long start, long end,
            Duration timeout, java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        if (start >= end) {
            return;
        }
        long deadline = System.nanoTime() + MAX_SCAN.toNanos();
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        long lastProgress = System.nanoTime();
        while (consumer.position(tp, timeout) < end) {
            var records = consumer.poll(POLL).records(tp);
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.offset() < end) {
                    sink.accept(r);
                }
            }
            long now = System.nanoTime();
            if (!records.isEmpty()) {
                lastProgress = now;
            } else if (now - lastProgress > timeout.toNanos()) {
                throw new TimeoutException("no records from " + tp + " within " + timeout.toMillis() + " ms");
            }
            if (now > deadline) {
                throw new TimeoutException("reading " + tp + " took longer than " + MAX_SCAN.toSeconds() + " s");
            }
        }
    }
}
