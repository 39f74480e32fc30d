package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * This gateway's jobs that ended on each board, with when they ended by the board's own clock (the terminal
 * event's timestamp), so that a status which still counts them as queued does not make the board look busy. A
 * status counts a job that has ended in two ways: it was published before the end (its timestamp is earlier), or
 * it was built in the moment between the job's final event and the slot's release (it names the job as current).
 * Either way, the board that just finished a cache build would look busy until its next status, and the job right
 * after the build, which should meet the cache there, would go elsewhere and build a second copy. Not thread-safe:
 * {@link FleetRouter} guards it.
 */
final class RecentEnds {
    /** Ends remembered per board: more than a status can be behind by. */
    private static final int KEEP = 64;

    private record End(String jobId, long at) {
    }

    private final Map<String, ArrayDeque<End>> byBoard = new HashMap<>();

    void ended(String board, String jobId, long at) {
        ArrayDeque<End> ends = byBoard.computeIfAbsent(board, b -> new ArrayDeque<>());
        ends.addLast(new End(jobId, at));
        if (ends.size() > KEEP) {
            ends.removeFirst();
        }
    }

    /** How many of this gateway's jobs {@code status} counts as queued although they have ended. */
    int stillCounted(WorkerStatus status) {
        ArrayDeque<End> ends = byBoard.get(status.workerId());
        if (ends == null) {
            return 0;
        }
        int n = 0;
        for (End end : ends) {
            if (end.at() > status.timestamp() || end.jobId().equals(status.currentJob())) {
                n++;
            }
        }
        return n;
    }
}
