package dev.npufleet.launcher;

import dev.npufleet.worker.WorkerMain;
import picocli.CommandLine.Command;

/**
 * {@code fleet worker}: one worker for one board, configured by environment variables. Exits 1
 * when the worker fails (a lost NPU: the supervisor restarts it), 2 on a configuration error.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker for this board (configured by NPUFLEET_* environment variables; see README).")
final class WorkerCommand implements Runnable {
    @Override
    public void run() {
        ParentWatch.install(System.getenv());
        try {
            WorkerMain.main(new String[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
