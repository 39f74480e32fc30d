package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which boards a job may be sent to. Stateless; any thread. */
final class UsableBoards {
    private UsableBoards() {
    }

    /**
     * The boards of {@code model} that can take a job now, by id: status fresh (within {@code staleAfter} of
     * {@code now}, by the worker's own clock as the fleet view counts it), not draining, and owning partitions
     * (a board whose list is empty is between assignments: a job sent "to it" would have no partition).
     */
    static List<WorkerStatus> of(List<WorkerStatus> statuses, String model, long now, Duration staleAfter) {
        long stale = staleAfter.toMillis();
        List<WorkerStatus> out = new ArrayList<>(statuses.size());
        boolean sorted = true;
        for (WorkerStatus s : statuses) {
            if (s.model().equals(model) && now - s.timestamp() <= stale && s.state() != WorkerStatus.State.DRAINING
                    && !s.partitions().isEmpty()) {
                sorted &= out.isEmpty() || out.get(out.size() - 1).workerId().compareTo(s.workerId()) <= 0;
                out.add(s);
            }
        }
        if (!sorted) {
            out.sort(Comparator.comparing(WorkerStatus::workerId));
        }
        return out;
    }

    /** The owned partitions, sorted, so that a key's pick among them does not depend on the list's order. */
    static List<Integer> partitions(WorkerStatus status) {
        List<Integer> owned = status.partitions();
        for (int i = 1; i < owned.size(); i++) {
            if (owned.get(i - 1) >= owned.get(i)) {
                return owned.stream().sorted().distinct().toList();
            }
        }
        // already sorted and distinct (as workers publish them): no copy
        return owned;
    }
}
