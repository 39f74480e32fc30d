package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;

/** Waits for the events of one job. */
public interface JobListener {
    /**
     * One event of the job, in the order the worker published them (duplicates included: the
     * listener dedupes). Called on the events-consumer thread: must not block.
     */
    void onEvent(Event event);
}
