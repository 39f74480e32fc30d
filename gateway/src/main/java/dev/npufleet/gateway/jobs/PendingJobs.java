package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs this gateway waits on: job id → the listener of the request that made it. A request
 * registers before it publishes its job (so no event can come first) and removes itself when it
 * ends; events of jobs not here (another gateway's, or already ended) are ignored. Besides that one listener, a
 * job may have followers: resumed streams ({@code GET /v1/jobs/{id}/events}) of a job this or another gateway took,
 * any number per job, fed by the same events consumer as the requests, so that a follower costs no consumer. Any
 * thread.
 */
public final class PendingJobs {
    private final ConcurrentMap<String, JobListener> listeners = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<JobListener>> followers = new ConcurrentHashMap<>();
    private final AtomicInteger followerCount = new AtomicInteger();

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

    /** Adds a follower of the job's events, beside its request's listener and other followers. */
    public void follow(String jobId, JobListener follower) {
        followers.compute(jobId, (id, set) -> {
            Set<JobListener> all = set != null ? set : new CopyOnWriteArraySet<>();
            if (all.add(follower)) {
                followerCount.incrementAndGet();
            }
            return all;
        });
    }

    /** Removes a follower; idempotent. */
    public void unfollow(String jobId, JobListener follower) {
        followers.computeIfPresent(jobId, (id, set) -> {
            if (set.remove(follower)) {
                followerCount.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    public boolean isPending(String jobId) {
        return jobId != null && (listeners.containsKey(jobId) || followers.containsKey(jobId));
    }

    /**
     * Who waits on the job now: its request's listener, its followers, or both as one listener that hands each call
     * to all of them; null when nobody does. The events consumer resolves a record's job once with this and hands it
     * the record's event (and the flush at the end of a batch), rather than looking the job up for each call.
     */
    public JobListener waiting(String jobId) {
        if (jobId == null) {
            return null;
        }
        JobListener listener = listeners.get(jobId);
        Set<JobListener> following = followers.isEmpty() ? null : followers.get(jobId);
        if (following == null) {
            return listener;
        }
        return new AllOf(listener, following);
    }

    /**
     * Hands the event to its job's listener and followers.
     *
     * @return false when nothing here waits for that job
     */
    public boolean dispatch(Event event) {
        return dispatch(event, false);
    }

    /**
     * Hands the event to its job's listener and followers, saying whether more of the job's events follow in the
     * batch being read ({@link JobListener#onEvent(Event, boolean)}).
     *
     * @return false when nothing here waits for that job
     */
    public boolean dispatch(Event event, boolean moreInBatch) {
        JobListener waiting = waiting(event.jobId());
        if (waiting == null) {
            return false;
        }
        waiting.onEvent(event, moreInBatch);
        return true;
    }

    /** A job's listener (or none) and its followers, handed each call in turn. */
    private record AllOf(JobListener listener, Set<JobListener> following) implements JobListener {
        @Override
        public void onEvent(Event event) {
            onEvent(event, false);
        }

        @Override
        public void onEvent(Event event, boolean moreInBatch) {
            if (listener != null) {
                listener.onEvent(event, moreInBatch);
            }
            following.forEach(f -> f.onEvent(event, moreInBatch));
        }

        @Override
        public void flush() {
            if (listener != null) {
                listener.flush();
            }
            following.forEach(JobListener::flush);
        }
    }

    /** Requests waiting on a job (followers not counted). */
    public int size() {
        return listeners.size();
    }

    /** Followers registered now, over all jobs. */
    public int followers() {
        return followerCount.get();
    }
}
