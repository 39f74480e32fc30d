package dev.npufleet.worker.job;

import dev.npufleet.protocol.Job;

/**
 * Looks up what earlier attempts at a job published, so that a job picked up after another worker's
 * crash is neither answered twice nor answered with two halves of different texts. Job thread only.
 */
public interface JobHistory extends AutoCloseable {

    /** For workers that never look (tests of other things). */
    JobHistory NONE = job -> PriorAttempt.NONE;

    /**
     * What earlier attempts published for {@code job}; {@link PriorAttempt#NONE} when nothing, and also
     * when the lookup failed (the job then runs as if new: the gateway still trims what it delivered).
     */
    PriorAttempt lookup(Job job);

    @Override
    default void close() {
    }
}
