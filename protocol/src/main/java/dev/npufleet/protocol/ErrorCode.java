package dev.npufleet.protocol;

import java.util.Locale;

/** The error codes a job can end with, shared by workers and gateways. */
public enum ErrorCode {
    /** The job's input cannot be run (too long for the context, bad parameters). */
    INVALID_REQUEST,
    /** The job names a cache the fleet does not know. */
    CACHE_NOT_FOUND,
    /** The job's deadline passed before a worker started it. */
    DEADLINE_EXCEEDED,
    /** The runtime failed while running the job. */
    RUNTIME_ERROR,
    /** The record could not be parsed; it went to the dead-letter topic. */
    MALFORMED_JOB,
    /** The job crashed workers repeatedly and was given up. */
    POISON_JOB,
    /** The worker serves another model. */
    MODEL_NOT_SERVED,
    /**
     * The answer has a hole: its end says more text was written than the reader could read (set by a reader, a
     * gateway, never by a worker: workers send no end after text they could not deliver).
     */
    ANSWER_INCOMPLETE,
    /** The job's {@code reply_to} cannot take its events (missing, internal, invalid, or an event too large). */
    UNDELIVERABLE_REPLY,
    /** Anything else. */
    INTERNAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
