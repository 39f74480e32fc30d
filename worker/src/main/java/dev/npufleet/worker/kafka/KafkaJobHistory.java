package dev.npufleet.worker.kafka;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.kafka.PartitionScan;
import dev.npufleet.worker.job.JobHistory;
import dev.npufleet.worker.job.PriorAttempt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobHistory} over the reply topic. A job's events are keyed by its id, so they all sit in the
 * partition Kafka's default partitioner picks for that key; the lookup seeks there to the job id's
 * (UUIDv7) time, reads up to the end offset taken at the start, and folds that job's events. One
 * consumer, opened at the first lookup, used by the job thread only.
 */
public final class KafkaJobHistory implements JobHistory {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaJobHistory.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Duration timeout;
    private Consumer<String, byte[]> consumer;

    public KafkaJobHistory(Supplier<Consumer<String, byte[]>> consumers, Duration timeout) {
        this.consumers = consumers;
        this.timeout = timeout;
    }

    @Override
    public PriorAttempt lookup(Job job) {
        try {
            if (consumer == null) {
                consumer = consumers.get();
            }
            return read(job);
        } catch (KafkaException | IllegalStateException e) {
            LOG.atWarn().addKeyValue("jobId", job.id())
                    .log("cannot read the job's earlier events; running it as new: {}", e.toString());
            return PriorAttempt.NONE;
        }
    }

    private PriorAttempt read(Job job) {
        int partitions = PartitionScan.partitions(consumer, job.replyTo(), timeout);
        if (partitions == 0 || !JobIds.isValid(job.id())) {
            return PriorAttempt.NONE;
        }
        TopicPartition tp = new TopicPartition(job.replyTo(), PartitionScan.partitionOf(job.id(), partitions));
        long end = PartitionScan.end(consumer, tp, timeout);
        long start = PartitionScan.offsetAt(consumer, tp, JobIds.timestampMillis(job.id()), end, timeout);
        Fold fold = new Fold(job.id());
        PartitionScan.read(consumer, tp, start, end, timeout, fold::accept);
        return fold.result();
    }

    /** Folds one job's events, in log order, into what they delivered. */
    static final class Fold {
        private final String jobId;
        private final StringBuilder text = new StringBuilder();
        private long length;
        private int tokens;
        private boolean ended;
        private int attempts;
        private final Map<Integer, String> startedBy = new TreeMap<>();

        Fold(String jobId) {
            this.jobId = jobId;
        }

        void accept(ConsumerRecord<String, byte[]> record) {
            if (!jobId.equals(record.key()) || record.value() == null) {
                return;
            }
            Event e;
            try {
                e = JsonCodec.decode(record.value(), Event.class);
            } catch (RuntimeException bad) {
                return; // not ours to judge: the gateway reports unreadable events
            }
            accept(e);
        }

        void accept(Event e) {
            if (!jobId.equals(e.jobId())) {
                return;
            }
            attempts = Math.max(attempts, e.attempt());
            if (e.type() == EventType.STARTED && e.worker() != null) {
                startedBy.put(e.attempt(), e.worker());
            }
            if (e.type().isTerminal()) {
                ended = true;
            } else if (e.type() == EventType.CHUNK && e.text() != null) {
                long end = e.seq() + e.length();
                if (e.seq() <= length && end > length) {
                    // the part of this chunk beyond what is already folded (a replay re-sends from 0)
                    int skip = e.text().offsetByCodePoints(0, (int) (length - e.seq()));
                    text.append(e.text(), skip, e.text().length());
                    length = end;
                    tokens = e.tokens() == null ? -1 : e.tokens(); // a count through the chunk's end
                }
            }
        }

        PriorAttempt result() {
            return new PriorAttempt(ended, text.toString(), tokens, attempts, List.copyOf(startedBy.values()));
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
