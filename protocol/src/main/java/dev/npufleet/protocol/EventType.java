package dev.npufleet.protocol;

/** The kinds of event a worker publishes about a job, in the order they occur. */
public enum EventType {
    /**
     * An asynchronous job was accepted by a gateway (published by the gateway, not a worker, after
     * the job was acknowledged; a fast worker's STARTED may precede it). Readers that wait for a
     * job's answer ignore it.
     */
    ACCEPTED,
    /** A worker took the job (carries the worker id and the queue wait). */
    STARTED,
    /** Generated text. */
    CHUNK,
    /** The job ended normally (or was cancelled); carries usage and timings. Last event. */
    FINISH,
    /** The job failed; carries the error. Last event. */
    ERROR;

    public boolean isTerminal() {
        return this == FINISH || this == ERROR;
    }
}
