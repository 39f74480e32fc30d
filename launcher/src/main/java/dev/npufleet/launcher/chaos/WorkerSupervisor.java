package dev.npufleet.launcher.chaos;

import dev.npufleet.launcher.LocalFleet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Restarts a worker process that died, within a second, as systemd or Kubernetes would on a board. Owns its timer
 * thread; {@link #restart} and the timer are serialised on this object.
 */
final class WorkerSupervisor implements AutoCloseable {

    private final LocalFleet fleet;
    private final List<String> boards;
    private final AtomicInteger restarts = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-supervisor");
        t.setDaemon(true);
        return t;
    });

    WorkerSupervisor(LocalFleet fleet, List<String> boards) {
        this.fleet = fleet;
        this.boards = List.copyOf(boards);
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Restarts every board whose process is gone. */
    private synchronized void check() {
        for (String board : boards) {
            if (!alive(board)) {
                restart(board);
            }
        }
    }

    /** Starts {@code board} again (it was just killed). */
    synchronized void restart(String board) {
        fleet.startWorker(board);
        restarts.incrementAndGet();
    }

    synchronized List<String> alive() {
        return boards.stream().filter(this::alive).toList();
    }

    int restarts() {
        return restarts.get();
    }

    private boolean alive(String board) {
        return fleet.children().stream().anyMatch(c -> c.name().equals(board) && c.isAlive());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
