package dev.npufleet.gateway.jobs;

import java.util.Locale;

/** Where an asynchronous job stands, as {@code GET /v1/jobs/{id}} reports it. */
public enum JobStatus {
    /** Accepted (its ACCEPTED event is in the log); no worker took it yet. */
    QUEUED,
    /** A worker took it (STARTED) or text is coming (CHUNK). */
    IN_PROGRESS,
    /** FINISH: the answer is complete. */
    COMPLETED,
    /** ERROR: the job failed. */
    FAILED,
    /** FINISH with {@code finish_reason} {@code cancelled}: a cancel reached its worker. */
    CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The name on the wire: {@code queued}, {@code in_progress}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
