package dev.npufleet.worker.cache;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache store's time-to-live sweep as a task of its own: deletes the files whose definition
 * has expired, every interval, on one daemon thread named {@code npu-cache-sweep-<board>}. The
 * store reports each removal as a state change, so the status shows it soon after. Start and close
 * from any thread.
 */
public final class CacheSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheSweeper.class);

    private final CacheStore store;
    private final ScheduledExecutorService scheduler;

    private CacheSweeper(CacheStore store, String workerId) {
        this.store = store;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "npu-cache-sweep-" + workerId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sweeping {@code store} every {@code interval}. */
    public static CacheSweeper start(CacheStore store, String workerId, Duration interval) {
        CacheSweeper sweeper = new CacheSweeper(store, workerId);
        sweeper.scheduler.scheduleWithFixedDelay(sweeper::sweep, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return sweeper;
    }

    private void sweep() {
        try {
            store.sweepExpired();
        } catch (RuntimeException e) { // a failed sweep must not end the schedule: the next one retries
            LOG.atWarn().log("Cache sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
