package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.Job;
import java.util.OptionalInt;

/**
 * Decides which partition of its model's job topic a job goes to, and so which board runs it.
 * The seam for the cache- and load-aware policy of the design; the default leaves it to Kafka's
 * hash of the routing key. Implementations are called on request threads, concurrently, and must
 * not block.
 */
@FunctionalInterface
public interface Router {
    /**
     * @param routingKey the job's record key ({@code RoutingKeys.forJob})
     * @return the partition, or empty for the key hash
     */
    OptionalInt partitionFor(Job job, String routingKey);

    /** No policy: Kafka's key hash decides, so equal keys meet on one partition. */
    static Router keyHash() {
        return (job, routingKey) -> OptionalInt.empty();
    }
}
