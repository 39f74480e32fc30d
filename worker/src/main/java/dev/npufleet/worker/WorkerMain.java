package dev.npufleet.worker;

import dev.npufleet.protocol.tracing.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java dev.npufleet.worker.WorkerMain}: reads the configuration from the environment (see
 * {@link WorkerConfig}), starts the worker, and closes it gracefully on SIGTERM/Ctrl-C. Exit codes:
 * 0 after a clean stop, 1 when the worker failed (lost NPU, Kafka failure: a supervisor restarts
 * it), 2 for a configuration error.
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerConfig config;
        Telemetry telemetry;
        try {
            config = WorkerConfig.fromEnv(System.getenv());
            telemetry = Telemetry.fromEnv(System.getenv(), "npufleet-worker", config.identity().workerId());
        } catch (IllegalArgumentException e) {
            System.err.println("npufleet worker: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Worker worker;
        try {
            worker = Worker.start(config, telemetry);
        } catch (RuntimeException | Error e) {
            LOG.atError().setCause(e).log("Worker failed to start");
            telemetry.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            telemetry.close(); // after the worker: its last jobs' spans go out
        }, "npufleet-worker-shutdown"));
        worker.awaitTermination();
        telemetry.close();
        if (worker.failure() != null) {
            LOG.atError().log("Worker stopped after a fatal error; exiting with 1");
            System.exit(1);
        }
    }
}
