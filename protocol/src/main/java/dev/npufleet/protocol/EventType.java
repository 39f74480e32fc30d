package dev.npufleet.protocol;

/** The kinds of event a worker publishes about a job, in the order they occur. */
public enum EventType {
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
