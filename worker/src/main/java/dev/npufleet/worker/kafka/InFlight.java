package dev.npufleet.worker.kafka;

import dev.npufleet.worker.job.RecordOutcome;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** The record the {@link JobLoop} handed to the NPU slot, and what became of its partition meanwhile. Consumer thread. */
final class InFlight {
    final ConsumerRecord<String, byte[]> record;
    final TopicPartition partition;
    final CompletableFuture<RecordOutcome> done;
    /** Set when the partition was revoked or lost during the job: its offset must not be committed. */
    boolean revoked;

    InFlight(ConsumerRecord<String, byte[]> record, CompletableFuture<RecordOutcome> done) {
        this.record = record;
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.done = done;
    }
}
