package dev.npufleet.gateway.batch;

import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.jobs.JobStatus;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.Event;
import java.util.Locale;
import java.util.Map;

/**
 * A batch's progress, from its record, its jobs' snapshots and the clock. Immutable.
 *
 * <p>A batch has until {@code expiresAt} (its completion window). Past it, a batch that is not done and not
 * cancelled before then is {@code expired}: what finished in time is in the output file, every other request in
 * the error file as {@code batch_expired}, and a request that ends later (it was running at the end of the window)
 * changes nothing any more. Its jobs need no cancel: each carries the window as its deadline, and a worker skips a
 * job past it.
 *
 * @param failed failed, cancelled and expired requests (all go to the error file)
 * @param endedAt epoch millis of the last job's end once all ended, or of the window's end once expired; else 0
 * @param expiresAt epoch millis of the end of the completion window
 */
public record BatchState(Status status, int total, int completed, int failed, long endedAt, long expiresAt) {

    /** OpenAI's batch statuses, those this gateway reaches (validation happens before the batch exists). */
    public enum Status {
        IN_PROGRESS, COMPLETED, EXPIRED, CANCELLING, CANCELLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isTerminal() {
            return this == COMPLETED || this == EXPIRED || this == CANCELLED;
        }
    }

    /** What became of one request, as the output and error files show it. */
    public enum Outcome {
        OPEN, COMPLETED, FAILED, CANCELLED, EXPIRED
    }

    /**
     * @param jobs snapshots by job id; a job missing there counts as not ended
     * @param expiresAt epoch millis of the end of the completion window
     * @param now epoch millis, the gateway's clock
     */
    public static BatchState of(BatchRecord batch, Map<String, JobSnapshot> jobs, long expiresAt, long now) {
        boolean cancelledInTime = batch.cancelledAt() > 0 && batch.cancelledAt() <= expiresAt;
        int completed = 0;
        int failed = 0;
        long endedAt = 0;
        boolean late = false;
        for (BatchRecord.Request r : batch.requests()) {
            JobSnapshot job = jobs.get(r.jobId());
            Event terminal = job == null ? null : job.terminal();
            if (terminal == null) {
                continue;
            }
            if (!cancelledInTime && terminal.timestamp() > expiresAt) {
                late = true;
                continue;
            }
            if (job.status() == JobStatus.COMPLETED) {
                completed++;
            } else {
                failed++;
            }
            endedAt = Math.max(endedAt, terminal.timestamp());
        }
        int total = batch.requests().size();
        boolean allEnded = completed + failed == total;
        if (!cancelledInTime && !allEnded && (now >= expiresAt || late)) {
            return new BatchState(Status.EXPIRED, total, completed, total - completed, expiresAt, expiresAt);
        }
        Status status = cancelledInTime
                ? (allEnded ? Status.CANCELLED : Status.CANCELLING)
                : (allEnded ? Status.COMPLETED : Status.IN_PROGRESS);
        return new BatchState(status, total, completed, failed, allEnded ? endedAt : 0, expiresAt);
    }

    /** What became of a request whose job is {@code job} (null when its job has no events yet), in this state. */
    public Outcome outcome(JobSnapshot job) {
        Event terminal = job == null || !job.known() ? null : job.terminal();
        if (status == Status.EXPIRED && (terminal == null || terminal.timestamp() > expiresAt)) {
            return Outcome.EXPIRED;
        }
        if (terminal == null) {
            return Outcome.OPEN;
        }
        return switch (job.status()) {
            case COMPLETED -> Outcome.COMPLETED;
            case CANCELLED -> Outcome.CANCELLED;
            default -> Outcome.FAILED;
        };
    }
}
