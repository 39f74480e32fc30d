package dev.npufleet.worker.job;

/** How a job record ended, which decides whether the loop commits past it. */
public enum RecordOutcome {
    /** Its last event is acknowledged (or it was dead-lettered): commit offset + 1. */
    DONE,
    /** It was stopped for a revocation or shutdown: do not commit, the partition's next owner runs it. */
    ABANDONED
}
