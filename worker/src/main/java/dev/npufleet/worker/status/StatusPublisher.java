package dev.npufleet.worker.status;

import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.job.EventSink;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the worker's {@link WorkerStatus} to the compacted workers topic every heartbeat and,
 * rate-limited, soon after each state change ({@link #requestPublish}: a job started or ended, a
 * cache file added or removed, partitions moved), so a gateway's router sees queue and cache
 * changes within a fraction of a heartbeat. Sends a tombstone when the worker leaves cleanly (so
 * gateways drop it at once instead of waiting for the status to go stale). Owns one scheduler
 * thread, which does every send.
 */
public final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

    private final EventSink sink;
    private final String topic;
    private final String workerId;
    private final Supplier<WorkerStatus> status;
    private final long minIntervalNanos;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean started;
    private volatile long lastPublishNanos;

    public StatusPublisher(EventSink sink, String topic, String workerId, Supplier<WorkerStatus> status) {
        this(sink, topic, workerId, status, Duration.ofMillis(200));
    }

    /**
     * @param minInterval the least time between two publications caused by state changes (heartbeats
     *     count as publications too)
     */
    public StatusPublisher(EventSink sink, String topic, String workerId, Supplier<WorkerStatus> status,
            Duration minInterval) {
        this.sink = sink;
        this.topic = topic;
        this.workerId = workerId;
        this.status = status;
        this.minIntervalNanos = minInterval.toNanos();
        this.lastPublishNanos = System.nanoTime() - minIntervalNanos; // nanoTime's origin is arbitrary
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "npu-status-" + workerId);
            t.setDaemon(true);
            return t;
        });
    }

    public void start(Duration interval) {
        scheduler.scheduleAtFixedRate(this::publishNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        started = true;
    }

    /**
     * The worker's state changed: publish soon, at most once per minimum interval. Requests while
     * one is pending merge into it (it reads the status when it runs, so it carries them all); a
     * request during a publication schedules the next one. Before {@link #start} and after close,
     * a no-op. Any thread; never blocks.
     */
    public void requestPublish() {
        if (!started || !pending.compareAndSet(false, true)) {
            return;
        }
        long waitNanos = Math.max(0, lastPublishNanos + minIntervalNanos - System.nanoTime());
        try {
            scheduler.schedule(this::publishPending, waitNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            pending.set(false); // closed: the tombstone has the last word
        }
    }

    private void publishPending() {
        pending.set(false); // before reading the status: a change from now on asks for another publication
        publishNow();
    }

    /** Publishes the current status now (the heartbeat). Scheduler thread. */
    private void publishNow() {
        lastPublishNanos = System.nanoTime();
        try {
            sink.send(topic, workerId, status.get()).whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.atDebug().log("Status not delivered: {}", error.toString());
                }
            });
        } catch (RuntimeException e) {
            // a heartbeat must never kill the scheduler
            LOG.atWarn().setCause(e).log("Could not build or send the worker status");
        }
    }

    /** Stops publishing and sends the tombstone, waiting up to {@code timeout} for its ack. */
    public void close(Duration timeout) {
        started = false;
        scheduler.shutdownNow();
        try {
            // A heartbeat still being sent must not land after the tombstone and revive the worker.
            scheduler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            sink.send(topic, workerId, null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.atWarn().log("Status tombstone not delivered: {}", e.toString());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(3));
    }
}
