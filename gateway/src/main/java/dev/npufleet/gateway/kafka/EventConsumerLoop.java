package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.gateway.jobs.JobListener;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventReader;
import dev.npufleet.protocol.ProtocolException;
import dev.npufleet.protocol.kafka.PartitionScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events topic and hands each event to the request waiting for its job.
 *
 * <p>No consumer group: every gateway reads every partition (the event of a job may be wanted by
 * whichever gateway took the request, and the key is the job id, not the gateway), starting at the
 * end, because a gateway only waits for jobs it publishes after it started. No group means no
 * rebalances stalling streams, no committed offsets and no dead groups left behind per restart. The
 * price, reading other gateways' events, is small: values are decoded only for jobs waited on here.
 *
 * <p>{@link #isReady()} turns true once every partition's position is fixed at its end; jobs are
 * accepted only after that, so none of their events can be missed.
 */
public final class EventConsumerLoop extends ConsumerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumerLoop.class);
    /** How often to look for partitions added to the events topic. */
    private static final long PARTITION_CHECK_MS = 30_000;

    private final String topic;
    private final PendingJobs pending;
    private final Duration timeout;
    private final Set<TopicPartition> assigned = new HashSet<>(); // loop thread only
    private volatile boolean ready;
    private long nextPartitionCheck;

    public EventConsumerLoop(GatewayKafka config, PendingJobs pending) {
        this(new KafkaConsumer<>(KafkaProps.consumer(config, "events")), config.topics().events(), pending,
                config.timeout());
    }

    EventConsumerLoop(Consumer<String, byte[]> consumer, String topic, PendingJobs pending, Duration timeout) {
        super(consumer, "gateway-events");
        this.topic = topic;
        this.pending = pending;
        this.timeout = timeout;
    }

    public boolean isReady() {
        return ready;
    }

    @Override
    protected boolean assign() {
        List<TopicPartition> partitions = PartitionScan.topicPartitions(consumer, topic, timeout);
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
            consumer.position(tp, timeout); // resolves the end now, not lazily at the first poll
        }
        assigned.addAll(partitions);
        nextPartitionCheck = System.currentTimeMillis() + PARTITION_CHECK_MS;
        ready = true;
        LOG.info("reading {} ({} partitions) from its end", topic, partitions.size());
        return true;
    }

    /**
     * Hands each event on, telling its listener whether more of the job's events follow in this batch, so that a
     * stream writes once per batch: on a busy gateway one poll brings several chunks of a stream, and each write
     * is a system call. Every job held back is flushed at the end, also when its last event could not be read.
     * Each record's job is looked up once ({@link PendingJobs#waiting}): on a busy gateway these lookups were a
     * tenth of the relay thread's own work per token.
     */
    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) {
        Map<String, ConsumerRecord<String, byte[]>> lastOfJob = records.count() > 1 ? lastOfEachJob(records) : Map.of();
        Map<String, JobListener> held = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            JobListener waiting = record.value() == null ? null : pending.waiting(record.key());
            if (waiting == null) {
                continue; // another gateway's job, or one that already ended here
            }
            ConsumerRecord<String, byte[]> last = lastOfJob.get(record.key());
            boolean more = last != null && last != record;
            if (dispatch(record, waiting, more)) {
                held = held == null ? new HashMap<>() : held;
                held.put(record.key(), waiting);
            }
        }
        if (held != null) {
            held.values().forEach(JobListener::flush); // idle for a job whose last event wrote already
        }
    }

    private Map<String, ConsumerRecord<String, byte[]>> lastOfEachJob(ConsumerRecords<String, byte[]> records) {
        Map<String, ConsumerRecord<String, byte[]>> last = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() != null) {
                last.put(record.key(), record);
            }
        }
        return last;
    }

    /**
     * @param waiting who waits on the record's key
     * @return true when the event was handed on with {@code more} as given (its listener may hold output back)
     */
    private boolean dispatch(ConsumerRecord<String, byte[]> record, JobListener waiting, boolean more) {
        try {
            Event event = EventReader.read(record.value());
            if (!record.key().equals(event.jobId())) {
                // A record whose key is not its job's id goes to its job's listeners, alone (the batch's
                // bookkeeping is by key).
                pending.dispatch(event, false);
                return false;
            }
            waiting.onEvent(event, more);
            return more;
        } catch (ProtocolException e) {
            LOG.atWarn().addKeyValue("jobId", record.key()).addKeyValue("partition", record.partition())
                    .log("skipping an event that cannot be read at offset {}: {}", record.offset(), e.getMessage());
        } catch (RuntimeException e) {
            // One request's bug must not stop every other stream.
            LOG.atError().addKeyValue("jobId", record.key()).setCause(e).log("handling an event failed");
        }
        return false;
    }

    /** Partitions added to the topic (an operator scaling it) are read from their start. */
    @Override
    protected void afterPoll() {
        long now = System.currentTimeMillis();
        if (now < nextPartitionCheck) {
            return;
        }
        nextPartitionCheck = now + PARTITION_CHECK_MS;
        List<TopicPartition> added = new ArrayList<>(PartitionScan.topicPartitions(consumer, topic, timeout));
        added.removeAll(assigned);
        if (!added.isEmpty()) {
            assigned.addAll(added);
            consumer.assign(new ArrayList<>(assigned));
            consumer.seekToBeginning(added);
            LOG.info("{} grew by {} partitions", topic, added.size());
        }
    }
}
