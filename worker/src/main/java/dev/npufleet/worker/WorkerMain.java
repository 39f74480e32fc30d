package dev.npufleet.worker;

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
        try {
            config = WorkerConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("npufleet worker: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Worker worker;
        try {
            worker = Worker.start(config);
        } catch (RuntimeException | Error e) {
            LOG.atError().setCause(e).log("Worker failed to start");
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "npufleet-worker-shutdown"));
        worker.awaitTermination();
        if (worker.failure() != null) {
            LOG.atError().log("Worker stopped after a fatal error; exiting with 1");
            System.exit(1);
        }
    }
}
