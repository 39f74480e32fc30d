package dev.npufleet.launcher;

import dev.npufleet.worker.Worker;
import dev.npufleet.worker.WorkerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fleet worker}: one worker for one board, configured by environment variables. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker for this board (configured by NPUFLEET_* environment variables; see README).")
final class WorkerCommand implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
        ParentWatch.install(System.getenv());
        Worker worker = Worker.start(WorkerConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
        worker.awaitTermination();
        return 0;
    }
}
