package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where a background job (asynchronous, or a batch line) goes in its model's background topic: the router picks the
 * board by its usual policy (cache affinity, estimated wait), and the job goes to one of that board's partitions of
 * the background topic, the same one for the same key, so that jobs sharing a cache queue behind each other there.
 * A board that reports no background partitions (an older worker, or one between rebalances) leaves it to Kafka's
 * key hash. Stateless; any thread.
 */
public final class BackgroundLane {

    private BackgroundLane() {
    }

    /**
     * @param route the router's decision for the job (its board, if any)
     * @param live the model's live boards' statuses
     * @param key the job's routing key
     * @return a partition of the background topic, or empty for the key hash
     */
    public static OptionalInt partition(RouteDecision route, List<WorkerStatus> live, String key) {
        if (route.board() == null) {
            return OptionalInt.empty();
        }
        for (WorkerStatus status : live) {
            if (status.workerId().equals(route.board()) && !status.backgroundPartitions().isEmpty()) {
                List<Integer> owned = status.backgroundPartitions().stream().sorted().toList();
                return OptionalInt.of(StableHash.partitionFor(key, owned));
            }
        }
        return OptionalInt.empty();
    }
}
