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
 * Counts the jobs waiting in the owned partitions for the status heartbeat: the partitions' end offsets minus the
 * consumer's positions, plus records fetched but not yet handed to the slot. The end offsets cost a broker round
 * trip, so they are asked for at most once per interval; the positions are the consumer's own and are read every
 * turn. So a job that was waiting at the last measurement stops counting as soon as it is fetched and started, not
 * an interval later: a status that counted it both as waiting and in the slot would make the board look busier
 * than it is, and send the next job for its cache elsewhere. Consumer thread only (it uses the job consumer).
 */
final class LagMeter {

    private static final Logger LOG = LoggerFactory.getLogger(LagMeter.class);

    private final Consumer<String, byte[]> consumer;
    private final WorkerStats stats;
    private final long intervalMillis;
    private Map<TopicPartition, Long> ends = Map.of();
    private long next;

    LagMeter(Consumer<String, byte[]> consumer, WorkerStats stats, Duration interval) {
        this.consumer = consumer;
        this.stats = stats;
        this.intervalMillis = interval.toMillis();
    }

    /** @param heldLocally records fetched but not yet handed to the slot (past the position already) */
    void refresh(int heldLocally) {
        Set<TopicPartition> assigned = consumer.assignment();
        long waiting = heldLocally;
        try {
            long now = System.currentTimeMillis();
            if (now >= next || !ends.keySet().containsAll(assigned)) {
                next = now + intervalMillis;
                ends = assigned.isEmpty() ? Map.of() : Map.copyOf(consumer.endOffsets(assigned, Duration.ofSeconds(1)));
            }
            for (TopicPartition tp : assigned) {
                Long end = ends.get(tp);
                if (end != null) {
                    waiting += Math.max(0, end - consumer.position(tp, Duration.ofSeconds(1)));
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
