package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobAccepted;
import java.util.Objects;

/**
 * One asynchronous job as its events in the log show it at one moment. Immutable; any thread.
 *
 * @param accepted the job's ACCEPTED record; null when the log holds none (the id is unknown, or
 *     the job was not submitted through {@code /v1/jobs})
 * @param text the answer so far, each code point once however often a re-run re-sent it
 * @param started the latest STARTED event, or null
 * @param terminal the first FINISH or ERROR, or null while the job runs
 * @param events how many of the job's events were read
 */
public record JobSnapshot(String jobId, JobAccepted accepted, String text, Event started, Event terminal,
        int events) {

    public JobSnapshot {
        Objects.requireNonNull(jobId, "jobId");
        text = text == null ? "" : text;
    }

    /** True when the log knows the job as an asynchronous one. */
    public boolean known() {
        return accepted != null;
    }

    /** The status; meaningful only when {@link #known()}. */
    public JobStatus status() {
        if (terminal != null) {
            return switch (terminal.type()) {
                case ERROR -> JobStatus.FAILED;
                default -> "cancelled".equals(terminal.finishReason()) ? JobStatus.CANCELLED : JobStatus.COMPLETED;
            };
        }
        return started != null || !text.isEmpty() ? JobStatus.IN_PROGRESS : JobStatus.QUEUED;
    }

    /** The worker that ran (or runs) the job, once known. */
    public String worker() {
        if (terminal != null && terminal.worker() != null) {
            return terminal.worker();
        }
        return started == null ? null : started.worker();
    }
}
