package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the model's usable boards in turn (by id), whatever the job; within the board, the key's stable
 * partition. No clock read inside ({@code now} is passed). Thread-safe: one counter per model.
 */
public final class RoundRobinPolicy {
    private final Duration staleAfter;
    private final ConcurrentMap<String, AtomicLong> turns = new ConcurrentHashMap<>();

    public RoundRobinPolicy(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    public RouteDecision decide(RouteRequest request, FleetSnapshot fleet, long now) {
        List<WorkerStatus> boards = UsableBoards.of(fleet.statuses(), request.model(), now, staleAfter);
        if (boards.isEmpty()) {
            return RouteDecision.keyHash(RoutingPolicy.ROUND_ROBIN, RouteReason.NO_FLEET_VIEW);
        }
        long turn = turns.computeIfAbsent(request.model(), m -> new AtomicLong()).getAndIncrement();
        WorkerStatus board = boards.get((int) Math.floorMod(turn, (long) boards.size()));
        return RouteDecision.to(RoutingPolicy.ROUND_ROBIN, RouteReason.ROUND_ROBIN, board.workerId(),
                StableHash.partitionFor(request.routingKey(), UsableBoards.partitions(board)), Double.NaN);
    }
}
