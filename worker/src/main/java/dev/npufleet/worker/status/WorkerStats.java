package dev.npufleet.worker.status;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live numbers about the worker that its status heartbeat and gauges report: owned partitions and
 * their lag (written by the consumer thread), jobs done and recent speeds (written by the job
 * thread). A change a gateway's router cares about (partitions, waiting jobs) also
 * calls the change listener, which must only signal. Thread-safe; readers get a recent value, not
 * a transaction.
 */
public final class WorkerStats {

    /** Weight of the newest job in the moving averages of speed. */
    private static final double ALPHA = 0.3;

    private volatile List<Integer> partitions = List.of();
    private volatile long waiting;
    private volatile double prefillTokensPerSecond;
    private volatile double decodeTokensPerSecond;
    private final AtomicLong jobsDone = new AtomicLong();
    private final Runnable onChange;

    public WorkerStats() {
        this(() -> { });
    }

    /** @param onChange called after a change of partitions or waiting jobs */
    public WorkerStats(Runnable onChange) {
        this.onChange = onChange;
    }

    public void partitions(List<Integer> owned) {
        List<Integer> now = List.copyOf(owned);
        boolean changed = !now.equals(partitions);
        this.partitions = now;
        if (changed) {
            onChange.run();
        }
    }

    public List<Integer> partitions() {
        return partitions;
    }

    /** Jobs waiting in the owned partitions (end offsets minus positions). */
    public void waiting(long records) {
        long now = Math.max(0, records);
        boolean changed = now != waiting;
        this.waiting = now;
        if (changed) {
            onChange.run();
        }
    }

    public long waiting() {
        return waiting;
    }

    /**
     * Counts a finished job and its speeds. No change signal: the job still holds the slot until its final event is
     * acknowledged, so a status published now would show the board busy with a job that has ended; the slot's
     * release right after signals, and that status carries these numbers.
     */
    public void jobDone(double prefillRate, double decodeRate) {
        updateRates(prefillRate, decodeRate);
    }

    private synchronized void updateRates(double prefillRate, double decodeRate) {
        jobsDone.incrementAndGet();
        if (prefillRate > 0) {
            prefillTokensPerSecond = prefillTokensPerSecond == 0 ? prefillRate
                    : ALPHA * prefillRate + (1 - ALPHA) * prefillTokensPerSecond;
        }
        if (decodeRate > 0) {
            decodeTokensPerSecond = decodeTokensPerSecond == 0 ? decodeRate
                    : ALPHA * decodeRate + (1 - ALPHA) * decodeTokensPerSecond;
        }
    }

    public long jobsDone() {
        return jobsDone.get();
    }

    public double prefillTokensPerSecond() {
        return prefillTokensPerSecond;
    }

    public double decodeTokensPerSecond() {
        return decodeTokensPerSecond;
    }
}
