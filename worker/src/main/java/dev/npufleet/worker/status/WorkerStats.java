package dev.npufleet.worker.status;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live numbers about the worker that its status heartbeat and gauges report: owned partitions and
 * their lag (written by the consumer thread), jobs done and recent speeds (written by the job
 * thread). Thread-safe; readers get a recent value, not a transaction.
 */
public final class WorkerStats {

    /** Weight of the newest job in the moving averages of speed. */
    private static final double ALPHA = 0.3;

    private volatile List<Integer> partitions = List.of();
    private volatile long waiting;
    private volatile double prefillTokensPerSecond;
    private volatile double decodeTokensPerSecond;
    private final AtomicLong jobsDone = new AtomicLong();

    public void partitions(List<Integer> owned) {
        this.partitions = List.copyOf(owned);
    }

    public List<Integer> partitions() {
        return partitions;
    }

    /** Jobs waiting in the owned partitions (end offsets minus positions). */
    public void waiting(long records) {
        this.waiting = Math.max(0, records);
    }

    public long waiting() {
        return waiting;
    }

    public synchronized void jobDone(double prefillRate, double decodeRate) {
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
