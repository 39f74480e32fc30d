package dev.npufleet.worker.status;

import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.job.EventSink;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the worker's {@link WorkerStatus} to the compacted workers topic every heartbeat, and a
 * tombstone when the worker leaves cleanly (so gateways drop it at once instead of waiting for the
 * status to go stale). Owns one scheduler thread.
 */
public final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

    private final EventSink sink;
    private final String topic;
    private final String workerId;
    private final Supplier<WorkerStatus> status;
    private final ScheduledExecutorService scheduler;

    public StatusPublisher(EventSink sink, String topic, String workerId, Supplier<WorkerStatus> status) {
        this.sink = sink;
        this.topic = topic;
        this.workerId = workerId;
        this.status = status;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "npu-status-" + workerId);
            t.setDaemon(true);
            return t;
        });
    }

    public void start(Duration interval) {
        scheduler.scheduleAtFixedRate(this::publishNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes the current status now (also called on state changes). Any thread. */
    public void publishNow() {
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
