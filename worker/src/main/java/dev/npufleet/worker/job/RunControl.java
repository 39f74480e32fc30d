package dev.npufleet.worker.job;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stop switch of one job on the NPU slot. Created when the consumer thread hands the record
 * over (so a revocation that comes before the job starts still stops it), read by the job thread
 * before each step and on each token. The first reason wins. Any thread.
 */
public final class RunControl {

    private final String jobId;
    private final Runnable engineAbort;
    private final AtomicReference<AbortReason> reason = new AtomicReference<>();

    public RunControl(String jobId, Runnable engineAbort) {
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.engineAbort = Objects.requireNonNull(engineAbort, "engineAbort");
    }

    public String jobId() {
        return jobId;
    }

    /** Stops the job for {@code why}; returns false when it was already stopped for some reason. */
    public boolean abort(AbortReason why) {
        if (reason.compareAndSet(null, why)) {
            engineAbort.run();
            return true;
        }
        return false;
    }

    public boolean aborted() {
        return reason.get() != null;
    }

    /** Why the job was stopped, or null. */
    public AbortReason reason() {
        return reason.get();
    }

    /**
     * From the token thread: repeats the engine abort, for an abort that came after the job's
     * last check but before the runtime started the run (an abort of an idle runtime is lost).
     */
    public void reassert() {
        if (reason.get() != null) {
            engineAbort.run();
        }
    }
}
