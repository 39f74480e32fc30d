package dev.npufleet.worker.kafka;

import dev.npufleet.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the offsets of finished jobs. Asynchronously, because the job's last event is
 * acknowledged already and a synchronous commit would hold the next job back by a broker round
 * trip; offsets not yet confirmed are committed synchronously before their partition is revoked
 * and at close. A commit that fails only means the job may run again (at-least-once; readers drop
 * what they already have). Consumer thread only (commit callbacks run inside its poll).
 */
final class OffsetCommits {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommits.class);

    private final Consumer<String, byte[]> consumer;
    private final Duration timeout;
    private final WorkerMetrics metrics;
    private final Map<TopicPartition, OffsetAndMetadata> unconfirmed = new HashMap<>();

    OffsetCommits(Consumer<String, byte[]> consumer, Duration timeout, WorkerMetrics metrics) {
        this.consumer = consumer;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Commits {@code next} (the offset after the finished job) for the partition. */
    void commit(TopicPartition partition, long next) {
        OffsetAndMetadata offset = new OffsetAndMetadata(next);
        unconfirmed.put(partition, offset);
        long t0 = System.nanoTime();
        consumer.commitAsync(Map.of(partition, offset), (offsets, error) -> {
            if (error == null) {
                metrics.kafkaCommit(System.nanoTime() - t0);
                unconfirmed.remove(partition, offset);
            } else {
                LOG.atWarn().addKeyValue("partition", partition.partition()).addKeyValue("offset", next - 1)
                        .log("Commit failed ({}); retrying before the partition leaves", error.toString());
            }
        });
    }

    /** Commits, and waits for, the unconfirmed offsets of these partitions (all when null). */
    void commitPending(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
        unconfirmed.forEach((tp, offset) -> {
            if (partitions == null || partitions.contains(tp)) {
                pending.put(tp, offset);
            }
        });
        for (int tries = 0; tries < 3 && !pending.isEmpty(); tries++) {
            try {
                consumer.commitSync(pending, timeout);
                pending.forEach(unconfirmed::remove);
                return;
            } catch (WakeupException e) {
                // a wakeup meant for poll; the commit itself is still wanted
            } catch (KafkaException e) {
                LOG.atWarn().log("Commit of {} failed ({}); those jobs may run again", pending, e.toString());
                return;
            }
        }
    }

    /** The partitions were lost (not revoked cleanly): their offsets are no longer ours to commit. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(unconfirmed::remove);
    }
}
