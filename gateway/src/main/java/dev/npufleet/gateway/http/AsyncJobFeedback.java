package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.JobListener;
import dev.npufleet.protocol.Event;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the router how an asynchronous job this gateway placed goes (its start, its end), as a
 * waiting request does for a synchronous one, so that the board's count of jobs in flight does
 * not stay inflated until the job's long deadline. Registered in the pending jobs while the job
 * runs; nobody waits on it. Threads: events on the events-consumer thread, the expiry on the timer
 * thread, an abandon on any; the end is decided once.
 */
final class AsyncJobFeedback implements JobListener {
    private final ExchangeServices services;
    private final String jobId;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> expiry;

    private AsyncJobFeedback(ExchangeServices services, String jobId) {
        this.services = services;
        this.jobId = jobId;
    }

    /** Starts listening for the job's events until its end or {@code deadlineMillis} (epoch). */
    static AsyncJobFeedback watch(ExchangeServices services, String jobId, long deadlineMillis) {
        AsyncJobFeedback feedback = new AsyncJobFeedback(services, jobId);
        services.pending().register(jobId, feedback);
        long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
        feedback.expiry = services.timers().schedule(() -> feedback.end(null), delay, TimeUnit.MILLISECONDS);
        return feedback;
    }

    @Override
    public void onEvent(Event event) {
        switch (event.type()) {
            case STARTED -> services.routing().started(jobId, event.worker());
            case FINISH, ERROR -> end(event);
            case ACCEPTED, CHUNK -> {
                // nothing the router needs
            }
        }
    }

    /** The job was not accepted after all (its publishing failed): forget it. */
    void abandon() {
        end(null);
    }

    private void end(Event terminal) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        services.pending().remove(jobId, this);
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
        services.routing().ended(jobId, terminal);
    }
}
