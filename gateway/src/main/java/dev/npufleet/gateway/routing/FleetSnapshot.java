package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a policy sees of the fleet for one decision.
 *
 * @param statuses the model's boards as their last status says (stale ones may be in: the policy drops them)
 * @param inFlight per board, jobs this gateway sent there that have not ended: the statuses are up to a heartbeat
 *     old, and without these a burst would herd onto the board that looked idle
 * @param pendingHolders boards this gateway just sent a job that builds the request's cache, whose status does not
 *     show it yet: holders in waiting
 */
public record FleetSnapshot(List<WorkerStatus> statuses, Map<String, Integer> inFlight, Set<String> pendingHolders,
        TypicalJob typical) {

    public FleetSnapshot {
        statuses = List.copyOf(statuses);
        inFlight = Map.copyOf(inFlight);
        pendingHolders = Set.copyOf(pendingHolders);
        typical = typical == null ? TypicalJob.DEFAULT : typical;
    }

    public static FleetSnapshot of(List<WorkerStatus> statuses) {
        return new FleetSnapshot(statuses, Map.of(), Set.of(), TypicalJob.DEFAULT);
    }

    public int inFlight(String board) {
        return inFlight.getOrDefault(board, 0);
    }
}
