package dev.npufleet.worker.job;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the {@link JobLoop} hands each job record to: the worker's one NPU slot. */
public interface RecordHandler {

    /**
     * Starts handling one record; called on the consumer thread, so it must not block. The loop
     * hands over the next record only after this one's future completed.
     *
     * @return completes when the record's last event is acknowledged (or the job was abandoned);
     *     completes exceptionally when its events could not be delivered (the loop seeks back and
     *     runs it again) or with a {@link dev.npufleet.worker.engine.NpuLostException} (fatal)
     * @param mayHaveRun the record predates this worker's ownership of its partition: another worker may
     *     have started the job
     */
    CompletableFuture<RecordOutcome> handle(ConsumerRecord<String, byte[]> record, boolean mayHaveRun);

    /**
     * As {@link #handle(ConsumerRecord, boolean)}, told when the record came out of the consumer's poll.
     *
     * @param polledNanos {@link System#nanoTime} when the poll returned the record
     */
    default CompletableFuture<RecordOutcome> handle(ConsumerRecord<String, byte[]> record, boolean mayHaveRun,
            long polledNanos) {
        return handle(record, mayHaveRun);
    }

    /** Stops the running job, if any, for {@code reason}; returns at once. Any thread. */
    void abortRunning(AbortReason reason);
}
