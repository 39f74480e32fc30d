package dev.npufleet.worker.job;

import dev.npufleet.worker.tracing.JobTrace;

/**
 * Where a job record came from: what the commit, the poison marker, the dead letter and the
 * per-job log line name.
 *
 * @param timestamp the record's timestamp (epoch millis)
 * @param mayHaveRun the record was in its partition before this worker owned it, so another worker may
 *     have started (or even finished) the job before a crash or a rebalance
 * @param polledNanos when the record came out of the consumer's poll ({@link System#nanoTime}; 0: unknown), the
 *     first of the job's {@link HopMarks}
 * @param trace the job's trace, continued from the record's headers; its context goes on every event of the job
 */
public record RecordContext(String topic, int partition, long offset, String key, long timestamp,
        boolean mayHaveRun, long polledNanos, JobTrace trace) {
}
