package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
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
        return statuses.stream()
                .filter(s -> s.model().equals(model))
                .filter(s -> now - s.timestamp() <= staleAfter.toMillis())
                .filter(s -> s.state() != WorkerStatus.State.DRAINING)
                .filter(s -> !s.partitions().isEmpty())
                .sorted(Comparator.comparing(WorkerStatus::workerId))
                .toList();
    }

    /** The owned partitions, sorted, so that a key's pick among them does not depend on the list's order. */
    static List<Integer> partitions(WorkerStatus status) {
        return status.partitions().stream().sorted().distinct().toList();
    }
}
