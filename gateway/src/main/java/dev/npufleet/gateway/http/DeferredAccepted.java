package dev.npufleet.gateway.http;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When an interactive job's ACCEPTED is published: not at the job's acknowledgement, where its record would wake
 * this gateway's events consumer (and the broker) while the board works on the job's first token, but at the first
 * of: the answer started ({@link #answerStarted}: the first text handed to a streaming client, the first chunk of a
 * unary one, or the exchange's end), or the fallback's delay after the job was handed to the producer. Exactly once, and
 * only after the job's own publish was acknowledged: never when it failed. An answer that starts (or a fallback that
 * fires) before the acknowledgement is remembered, and the ACCEPTED goes out at the acknowledgement.
 *
 * <p>Any thread: the request thread, the producer's I/O thread (acknowledgement, failure), the events-consumer
 * thread and Jetty's threads (answer started), a timer thread (the fallback, through a {@link DelayedBatch}). The
 * publish itself runs on {@code executor}: a send may wait for metadata, which none of those threads may do.
 */
final class DeferredAccepted {
    private static final int WAITING = 0; // the job's publish is not acknowledged, the answer has not started
    private static final int WANTED = 1; // the answer started (or the fallback fired) before the acknowledgement
    private static final int ARMED = 2; // acknowledged; waiting for the answer or the fallback
    private static final int DONE = 3; // published, or never to be

    private final Runnable publish;
    private final DelayedBatch fallbacks;
    private final Executor executor;
    private final AtomicInteger state = new AtomicInteger(WAITING);

    /**
     * @param publish publishes the ACCEPTED; run at most once, on {@code executor}
     * @param fallbacks runs the fallback its delay after {@link #jobSent}, if the answer has not started by then
     */
    DeferredAccepted(Runnable publish, DelayedBatch fallbacks, Executor executor) {
        this.publish = Objects.requireNonNull(publish, "publish");
        this.fallbacks = Objects.requireNonNull(fallbacks, "fallbacks");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The job is being handed to the producer: the fallback starts counting. */
    void jobSent() {
        fallbacks.add(this::answerStarted); // a no-op by then in the common case: the answer started first
    }

    /** The broker acknowledged the job: publishes now if the answer already started (or the fallback fired). */
    void jobAcknowledged() {
        if (state.compareAndSet(WAITING, ARMED)) {
            return;
        }
        if (state.compareAndSet(WANTED, DONE)) {
            fire();
        }
    }

    /** The job's publish failed: its ACCEPTED must never be written. */
    void jobFailed() {
        if (!state.compareAndSet(WAITING, DONE)) {
            state.compareAndSet(WANTED, DONE);
        }
    }

    /** The answer started, or the exchange ended, or the fallback fired: publishes once the job is acknowledged. */
    void answerStarted() {
        for (;;) {
            int now = state.get();
            if (now == DONE || now == WANTED) {
                return; // the common case, once per chunk: no write to the shared state
            }
            if (now == ARMED && state.compareAndSet(ARMED, DONE)) {
                fire();
                return;
            }
            if (now == WAITING && state.compareAndSet(WAITING, WANTED)) {
                return;
            }
        }
    }

    /** True once the ACCEPTED was handed over to be published, or given up. */
    boolean isDone() {
        return state.get() == DONE;
    }

    private void fire() {
        try {
            executor.execute(publish);
        } catch (RejectedExecutionException e) {
            // stopping: nothing can be published any more
        }
    }
}
