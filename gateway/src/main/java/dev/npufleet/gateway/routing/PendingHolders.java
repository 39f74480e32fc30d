package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Holders in waiting: boards this gateway sent a job that builds a named cache there (a CACHE_BUILD, or a job
 * naming a cache the board lacks, which builds a replica first), until the board's status lists the file. Without
 * them, the jobs right after a cache's creation would not know where it is being built and would start a second
 * replica elsewhere.
 *
 * <p>An expectation lives until the status shows the cache, until {@code grace} after the job finished (the status
 * should have shown it by then), or until the job fails or its deadline passes. Not thread-safe:
 * {@link FleetRouter} guards it.
 */
final class PendingHolders {
    private record Expected(String model, String cache, String revision, String board, long expiresAt) {
    }

    private final Map<String, Expected> byJob = new HashMap<>();

    void expect(String jobId, String model, String cache, String revision, String board, long expiresAt) {
        byJob.put(jobId, new Expected(model, cache, revision, board, expiresAt));
    }

    /** The job runs on {@code worker}: that board builds the cache, whatever was decided. */
    void started(String jobId, String worker) {
        Expected e = byJob.get(jobId);
        if (e != null && worker != null) {
            byJob.put(jobId, new Expected(e.model(), e.cache(), e.revision(), worker, e.expiresAt()));
        }
    }

    void finished(String jobId, long keepUntil) {
        Expected e = byJob.get(jobId);
        if (e != null) {
            byJob.put(jobId, new Expected(e.model(), e.cache(), e.revision(), e.board(), Math.min(e.expiresAt(),
                    keepUntil)));
        }
    }

    void failed(String jobId) {
        byJob.remove(jobId);
    }

    /**
     * The boards expected to hold {@code model/cache} at {@code revision}, after forgetting the expired and those
     * whose status in {@code statuses} already lists it.
     */
    Set<String> boards(String model, String cache, String revision, long now, List<WorkerStatus> statuses) {
        prune(now, statuses);
        Set<String> boards = new HashSet<>();
        for (Expected e : byJob.values()) {
            if (e.model().equals(model) && e.cache().equals(cache) && e.revision().equals(revision)) {
                boards.add(e.board());
            }
        }
        return boards;
    }

    /** Caches expected per board, every model, by board id (for the fleet view). */
    Map<String, List<String>> all(long now, List<WorkerStatus> statuses) {
        prune(now, statuses);
        Map<String, List<String>> byBoard = new TreeMap<>();
        byJob.values().forEach(e -> byBoard.computeIfAbsent(e.board(), b -> new ArrayList<>()).add(e.cache()));
        byBoard.values().forEach(list -> list.sort(null));
        return byBoard;
    }

    int size() {
        return byJob.size();
    }

    private void prune(long now, List<WorkerStatus> statuses) {
        Map<String, WorkerStatus> byBoard = new HashMap<>();
        statuses.forEach(s -> byBoard.put(s.workerId(), s));
        for (Iterator<Expected> it = byJob.values().iterator(); it.hasNext(); ) {
            Expected e = it.next();
            WorkerStatus status = byBoard.get(e.board());
            if (e.expiresAt() < now || status != null && status.caches().stream()
                    .anyMatch(c -> e.cache().equals(c.name()) && e.revision().equals(c.revision()))) {
                it.remove();
            }
        }
    }
}
