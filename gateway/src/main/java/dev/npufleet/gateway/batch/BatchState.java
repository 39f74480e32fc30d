package dev.npufleet.gateway.batch;

import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.jobs.JobStatus;
import dev.npufleet.protocol.BatchRecord;
import java.util.Locale;
import java.util.Map;

/**
 * A batch's progress, from its record and its jobs' snapshots. Immutable.
 *
 * @param failed failed and cancelled requests (both go to the error file)
 * @param endedAt epoch millis of the last job's end, once all ended; else 0
 */
public record BatchState(Status status, int total, int completed, int failed, long endedAt) {

    /** OpenAI's batch statuses, those this gateway reaches (validation happens before the batch exists). */
    public enum Status {
        IN_PROGRESS, COMPLETED, CANCELLING, CANCELLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isTerminal() {
            return this == COMPLETED || this == CANCELLED;
        }
    }

    /** @param jobs snapshots by job id; a job missing there counts as not ended */
    public static BatchState of(BatchRecord batch, Map<String, JobSnapshot> jobs) {
        int completed = 0;
        int failed = 0;
        long endedAt = 0;
        for (BatchRecord.Request r : batch.requests()) {
            JobSnapshot job = jobs.get(r.jobId());
            if (job == null || job.terminal() == null) {
                continue;
            }
            if (job.status() == JobStatus.COMPLETED) {
                completed++;
            } else {
                failed++;
            }
            endedAt = Math.max(endedAt, job.terminal().timestamp());
        }
        int total = batch.requests().size();
        boolean allEnded = completed + failed == total;
        Status status = batch.cancelledAt() > 0
                ? (allEnded ? Status.CANCELLED : Status.CANCELLING)
                : (allEnded ? Status.COMPLETED : Status.IN_PROGRESS);
        return new BatchState(status, total, completed, failed, allEnded ? endedAt : 0);
    }
}
