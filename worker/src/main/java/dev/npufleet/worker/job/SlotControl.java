package dev.npufleet.worker.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worker's one NPU slot as other threads see it: the {@link RunControl} of the job handed to
 * it, and the ids of recently cancelled jobs (a cancel may arrive before its job is reached, then
 * the job is skipped). Admitting and releasing a job call the change listener (the status shows
 * the current job), which must only signal. Thread-safe: the consumer thread admits and aborts,
 * the control-topic thread cancels, the job thread reads.
 */
public final class SlotControl {

    private final Runnable engineAbort;
    private final Runnable onChange;
    private final Map<String, Boolean> recentCancels;
    private volatile RunControl current;

    public SlotControl(Runnable engineAbort, int rememberCancels) {
        this(engineAbort, rememberCancels, () -> { });
    }

    /**
     * @param engineAbort aborts the engine's running run
     * @param rememberCancels how many cancelled ids to keep (oldest forgotten first)
     * @param onChange called after a job entered or left the slot
     */
    public SlotControl(Runnable engineAbort, int rememberCancels, Runnable onChange) {
        this.engineAbort = engineAbort;
        this.onChange = onChange;
        this.recentCancels = new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberCancels;
            }
        };
    }

    /** A job is handed to the slot; returns its stop switch. */
    public RunControl admit(String jobId) {
        RunControl control = new RunControl(jobId, engineAbort);
        current = control;
        onChange.run();
        return control;
    }

    /** The job ended (the slot is free). */
    public void release(RunControl control) {
        if (current == control) {
            current = null;
            onChange.run();
        }
    }

    /** A cancel request: remember it, and stop the job if it is the one in the slot. */
    public void cancel(String jobId) {
        synchronized (recentCancels) {
            recentCancels.put(jobId, Boolean.TRUE);
        }
        RunControl running = current;
        if (running != null && running.jobId().equals(jobId)) {
            running.abort(AbortReason.CANCELLED);
        }
    }

    public boolean isCancelled(String jobId) {
        synchronized (recentCancels) {
            return recentCancels.containsKey(jobId);
        }
    }

    /** Stops whatever job the slot holds (revocation, shutdown); false when none was stopped now. */
    public boolean abortCurrent(AbortReason why) {
        RunControl running = current;
        return running != null && running.abort(why);
    }

    /** The id of the job in the slot, or null when idle. */
    public String currentJobId() {
        RunControl running = current;
        return running == null ? null : running.jobId();
    }
}
