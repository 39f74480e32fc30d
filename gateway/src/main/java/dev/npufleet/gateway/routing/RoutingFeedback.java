package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.Event;

/**
 * What happens to the jobs a router placed, told by the requests waiting on them. Called on the events-consumer
 * thread, the timer thread or request threads; implementations must not block or throw.
 */
public interface RoutingFeedback {
    /** The job was taken by {@code worker} (its STARTED event). */
    void started(String jobId, String worker);

    /**
     * The request waiting on the job ended.
     *
     * @param terminal the job's FINISH or ERROR; null when the request ended otherwise (timeout, client gone,
     *     publish failed)
     */
    void ended(String jobId, Event terminal);
}
