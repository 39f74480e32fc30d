package dev.npufleet.gateway.routing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * When this gateway's jobs ended on each board, by the board's own clock (the terminal event's timestamp), so that
 * a status published before those ends does not count them as still queued: a board that just finished a cache
 * build would otherwise look busy until its next status, and the job right after the build, which should meet
 * the cache there, would go elsewhere and build a second copy. Not thread-safe: {@link FleetRouter} guards it.
 */
final class RecentEnds {
    /** Ends remembered per board: more than a status can be behind by. */
    private static final int KEEP = 64;

    private final Map<String, ArrayDeque<Long>> byBoard = new HashMap<>();

    void ended(String board, long at) {
        ArrayDeque<Long> ends = byBoard.computeIfAbsent(board, b -> new ArrayDeque<>());
        ends.addLast(at);
        if (ends.size() > KEEP) {
            ends.removeFirst();
        }
    }

    /** How many of this gateway's jobs ended on {@code board} after {@code statusTimestamp}. */
    int after(String board, long statusTimestamp) {
        ArrayDeque<Long> ends = byBoard.get(board);
        if (ends == null) {
            return 0;
        }
        int n = 0;
        for (long at : ends) {
            if (at > statusTimestamp) {
                n++;
            }
        }
        return n;
    }
}
