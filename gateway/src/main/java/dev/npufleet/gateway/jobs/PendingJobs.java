package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The jobs this gateway waits on: job id → the listener of the request that made it. A request
 * registers before it publishes its job (so no event can come first) and removes itself when it
 * ends; events of jobs not here (another gateway's, or already ended) are ignored. Any thread.
 */
public final class PendingJobs {
    private final ConcurrentMap<String, JobListener> listeners = new ConcurrentHashMap<>();

    /** @throws IllegalStateException if the job id is taken (ids are UUIDv7: a bug, not bad luck) */
    public void register(String jobId, JobListener listener) {
        if (listeners.putIfAbsent(jobId, listener) != null) {
            throw new IllegalStateException("job " + jobId + " is already pending");
        }
    }

    /** Removes the entry if it is still this listener's. */
    public void remove(String jobId, JobListener listener) {
        listeners.remove(jobId, listener);
    }

    public boolean isPending(String jobId) {
        return jobId != null && listeners.containsKey(jobId);
    }

    /**
     * Hands the event to its job's listener.
     *
     * @return false when no request here waits for that job
     */
    public boolean dispatch(Event event) {
        JobListener listener = listeners.get(event.jobId());
        if (listener == null) {
            return false;
        }
        listener.onEvent(event);
        return true;
    }

    public int size() {
        return listeners.size();
    }
}
