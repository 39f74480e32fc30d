package dev.npufleet.gateway.jobs;

/** Asks the fleet to abort a job (or skip it if not started). Fire and forget; any thread; never blocks. */
@FunctionalInterface
public interface Canceller {
    void cancel(String jobId, String reason);
}
