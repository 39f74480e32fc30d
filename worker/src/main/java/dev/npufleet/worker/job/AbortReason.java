package dev.npufleet.worker.job;

/** Why a running job was stopped early; decides what the job publishes and whether its offset is committed. */
public enum AbortReason {
    /** A {@code CancelRequest}: the job ends with FINISH, finish_reason "cancelled"; committed. */
    CANCELLED,
    /** A stop string matched: FINISH, finish_reason "stop"; committed. */
    STOP_SEQUENCE,
    /** The job's partition moved to another worker, which runs it again: nothing more published, not committed. */
    REVOKED,
    /** The worker is shutting down and the drain timeout passed: like {@link #REVOKED}. */
    SHUTDOWN,
    /**
     * A chunk could not be delivered (the broker was away past the producer's delivery timeout): nothing more is
     * published, not committed; the loop runs the job again once its partition can be read.
     */
    UNDELIVERED;

    /** True when the job is left to the next owner of its partition (no last event, no commit). */
    public boolean abandonsJob() {
        return this == REVOKED || this == SHUTDOWN;
    }
}
