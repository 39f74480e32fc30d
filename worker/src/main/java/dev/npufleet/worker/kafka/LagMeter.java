package dev.npufleet.worker.kafka;

import dev.npufleet.worker.status.WorkerStats;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the jobs waiting in the owned partitions (end offsets minus positions) for the status
 * heartbeat, at most once per interval. Consumer thread only (it uses the job consumer).
 */
final class LagMeter {

    private static final Logger LOG = LoggerFactory.getLogger(LagMeter.class);

    private final Consumer<String, byte[]> consumer;
    private final WorkerStats stats;
    private final long intervalMillis;
    private long next;

    LagMeter(Consumer<String, byte[]> consumer, WorkerStats stats, Duration interval) {
        this.consumer = consumer;
        this.stats = stats;
        this.intervalMillis = interval.toMillis();
    }

    /** @param heldLocally records fetched but not yet handed to the slot (past the position already) */
    void refresh(int heldLocally) {
        long now = System.currentTimeMillis();
        if (now < next) {
            return;
        }
        next = now + intervalMillis;
        Set<TopicPartition> assigned = consumer.assignment();
        long waiting = heldLocally;
        try {
            if (!assigned.isEmpty()) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(1));
                for (TopicPartition tp : assigned) {
                    waiting += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(1)));
                }
            }
            stats.waiting(waiting);
        } catch (WakeupException e) {
            next = 0; // a wakeup meant for poll: measure again next turn
        } catch (RuntimeException e) {
            // best effort: the lag only feeds the status and routing hints
            LOG.atDebug().log("Lag not measured: {}", e.toString());
        }
    }
}
