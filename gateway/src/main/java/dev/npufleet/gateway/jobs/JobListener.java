package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;

/** Waits for the events of one job. */
public interface JobListener {
    /**
     * One event of the job, in the order the worker published them (duplicates included: the
     * listener dedupes). Called on the events-consumer thread: must not block.
     */
    void onEvent(Event event);

    /**
     * One event, from a batch the consumer read at once: {@code moreInBatch} says more events of this job follow
     * in the same batch, so a listener may hold back its output until the last one (one write to the client per
     * batch, not per event). After an event with {@code moreInBatch} true, the consumer always calls this again
     * with false, or {@link #flush()}. Events-consumer thread; must not block.
     */
    default void onEvent(Event event, boolean moreInBatch) {
        onEvent(event);
    }

    /** Sends what {@link #onEvent(Event, boolean)} held back. Events-consumer thread; must not block. */
    default void flush() {
    }
}
