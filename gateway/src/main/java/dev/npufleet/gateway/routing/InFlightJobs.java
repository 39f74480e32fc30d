package dev.npufleet.gateway.routing;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The jobs this gateway sent to a board that have not ended: the part of each board's queue its status cannot
 * show yet. An entry is added at the routing decision (not at the broker's ack: a burst is decided faster than
 * acks come back), moved when the job's STARTED names another board (its partition moved), removed at the job's
 * end, and forgotten after its deadline in case no end is ever reported.
 *
 * <p>Not thread-safe: {@link FleetRouter} guards it.
 */
final class InFlightJobs {
    record Entry(String model, String board, JobFootprint footprint, long expiresAt) {
    }

    private final Map<String, Entry> byJob = new HashMap<>();

    void sent(String jobId, Entry entry) {
        byJob.put(jobId, entry);
    }

    void started(String jobId, String worker) {
        Entry e = byJob.get(jobId);
        if (e != null && worker != null && !worker.equals(e.board())) {
            byJob.put(jobId, new Entry(e.model(), worker, e.footprint(), e.expiresAt()));
        }
    }

    /** @return the job's entry, or null when it was not tracked (hash routing, or ended already) */
    Entry ended(String jobId) {
        return byJob.remove(jobId);
    }

    /** Jobs in flight per board of {@code model}, after dropping the expired. */
    Map<String, Integer> counts(String model, long now) {
        prune(now);
        Map<String, Integer> counts = new HashMap<>();
        for (Entry e : byJob.values()) {
            if (e.model().equals(model)) {
                counts.merge(e.board(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Jobs in flight per board, every model, by board id. */
    Map<String, Integer> all(long now) {
        prune(now);
        Map<String, Integer> counts = new TreeMap<>();
        byJob.values().forEach(e -> counts.merge(e.board(), 1, Integer::sum));
        return counts;
    }

    int size() {
        return byJob.size();
    }

    private void prune(long now) {
        for (Iterator<Entry> it = byJob.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAt() < now) {
                it.remove();
            }
        }
    }
}
