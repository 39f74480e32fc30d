package dev.npufleet.worker.job;

/**
 * Where a job record came from: what the commit, the poison marker, the dead letter and the
 * per-job log line name.
 *
 * @param timestamp the record's timestamp (epoch millis)
 */
public record RecordContext(String topic, int partition, long offset, String key, long timestamp) {
}
