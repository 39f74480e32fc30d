package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.jobs.JobLog;
import dev.npufleet.gateway.jobs.JobProgress;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import dev.npufleet.protocol.kafka.PartitionScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobLog} over the events topic. A job's events all sit in one partition: workers (and the
 * gateway's ACCEPTED) produce them keyed by the job id with Kafka's default partitioner, so the
 * partition is {@code toPositive(murmur2(key bytes)) % partitions}, as the producer's built-in
 * partitioner computes it. A lookup seeks there with {@code offsetsForTimes} to the job id's
 * UUIDv7 time minus a margin for clock skew, and reads to the end offset captured when it began.
 *
 * <p>Lookups run on the {@link LookupConsumers} pool. A bounded cache keeps each recently read job's
 * state and offset, so a job polled again is read on from where the last lookup stopped. Any thread.
 */
public final class KafkaJobLog implements JobLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJobLog.class);
    private static final int CACHED_JOBS = 16_384;

    private final String topic;
    private final Duration timeout;
    private final LookupConsumers consumers;
    private final Map<String, JobProgress> cache = new LinkedHashMap<>(64, 0.75f, true) { // guarded by itself
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobProgress> eldest) {
            return size() > CACHED_JOBS;
        }
    };

    public KafkaJobLog(String topic, Duration timeout, LookupConsumers consumers) {
        this.topic = topic;
        this.timeout = timeout;
        this.consumers = consumers;
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code jobId}. */
    public static int partitionOf(String jobId, int partitions) {
        return PartitionScan.partitionOf(jobId, partitions);
    }

    @Override
    public CompletableFuture<JobSnapshot> read(String jobId) {
        return readAll(List.of(jobId), JobIds.timestampMillis(jobId)).thenApply(all -> all.get(jobId));
    }

    @Override
    public CompletableFuture<Map<String, JobSnapshot>> readAll(Collection<String> jobIds, long fromMillis) {
        List<String> ids = List.copyOf(jobIds);
        return consumers.submit(c -> scan(c, ids, fromMillis));
    }

    private Map<String, JobSnapshot> scan(Consumer<String, byte[]> consumer, List<String> ids, long fromMillis) {
        Map<String, JobProgress> progress = new LinkedHashMap<>();
        ids.forEach(id -> progress.put(id, taken(id)));
        int partitions = PartitionScan.partitions(consumer, topic, timeout);
        if (partitions == 0) {
            return snapshots(progress); // no events topic: no job can be known
        }
        Map<Integer, List<JobProgress>> byPartition = new HashMap<>();
        progress.values().forEach(p -> byPartition.computeIfAbsent(partitionOf(p.jobId(), partitions),
                k -> new ArrayList<>()).add(p));
        for (Map.Entry<Integer, List<JobProgress>> e : byPartition.entrySet()) {
            readPartition(consumer, new TopicPartition(topic, e.getKey()), e.getValue(), fromMillis);
        }
        progress.values().forEach(this::keep);
        return snapshots(progress);
    }

    private void readPartition(Consumer<String, byte[]> consumer, TopicPartition tp, List<JobProgress> jobs,
            long fromMillis) {
        List<JobProgress> open = jobs.stream().filter(p -> !p.isFinal()).toList();
        if (open.isEmpty()) {
            return;
        }
        long end = PartitionScan.end(consumer, tp, timeout);
        long start = end;
        boolean fresh = false;
        Map<String, JobProgress> byId = new HashMap<>();
        for (JobProgress p : open) {
            byId.put(p.jobId(), p);
            if (p.offset() >= 0) {
                start = Math.min(start, p.offset()); // where the last lookup of this job stopped
            } else {
                fresh = true;
            }
        }
        if (fresh) {
            start = Math.min(start, PartitionScan.offsetAt(consumer, tp, fromMillis, end, timeout));
        }
        PartitionScan.read(consumer, tp, start, end, timeout, r -> apply(byId.get(r.key()), r));
        open.forEach(p -> p.offset(end));
    }

    private static void apply(JobProgress job, ConsumerRecord<String, byte[]> r) {
        // a job resumed from the cache has already applied everything before its own offset
        if (job == null || r.value() == null || r.offset() < job.offset()) {
            return;
        }
        try {
            job.accept(JsonCodec.decode(r.value(), Event.class));
        } catch (ProtocolException | IllegalArgumentException e) {
            LOG.atWarn().addKeyValue("jobId", r.key()).addKeyValue("partition", r.partition())
                    .log("skipping an event that cannot be read at offset {}: {}", r.offset(), e.getMessage());
        }
    }

    /** The cached progress of the job, taken out so that this lookup alone owns it; else a new one. */
    private JobProgress taken(String jobId) {
        synchronized (cache) {
            JobProgress cached = cache.remove(jobId);
            return cached != null ? cached : new JobProgress(jobId);
        }
    }

    private void keep(JobProgress progress) {
        if (progress.offset() < 0 && !progress.isFinal()) {
            return;
        }
        synchronized (cache) {
            cache.put(progress.jobId(), progress);
        }
    }

    private static Map<String, JobSnapshot> snapshots(Map<String, JobProgress> progress) {
        Map<String, JobSnapshot> out = new LinkedHashMap<>();
        progress.forEach((id, p) -> out.put(id, p.snapshot()));
        return out;
    }
}
