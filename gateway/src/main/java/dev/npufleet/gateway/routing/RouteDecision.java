package dev.npufleet.gateway.routing;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where one job goes and why.
 *
 * @param board the board chosen, or null when Kafka's key hash decides
 * @param partition the partition of the job topic, or empty for the key hash
 * @param estimatedTtftMs the policy's estimate of the job's time to first token on that board; NaN when none
 */
public record RouteDecision(RoutingPolicy policy, RouteReason reason, String board, OptionalInt partition,
        double estimatedTtftMs) {

    /** The header that makes a decision visible to the client: {@code policy;reason;board;partition}. */
    public static final String HEADER = "x-npufleet-routing";

    public RouteDecision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(partition, "partition");
        if (partition.isPresent() != (board != null)) {
            throw new IllegalArgumentException("a board comes with a partition, and no board with none");
        }
    }

    /** Leaves the partition to Kafka's hash of the record key. */
    public static RouteDecision keyHash(RoutingPolicy policy, RouteReason reason) {
        return new RouteDecision(policy, reason, null, OptionalInt.empty(), Double.NaN);
    }

    public static RouteDecision to(RoutingPolicy policy, RouteReason reason, String board, int partition,
            double estimatedTtftMs) {
        return new RouteDecision(policy, reason, board, OptionalInt.of(partition), estimatedTtftMs);
    }

    /** {@code policy;reason;board;partition}, with {@code -} for an unknown board or partition. */
    public String header() {
        return policy.configName() + ";" + reason + ";" + (board == null ? "-" : board) + ";"
                + (partition.isPresent() ? Integer.toString(partition.getAsInt()) : "-");
    }
}
