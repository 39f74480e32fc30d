package dev.npufleet.gateway.routing;

/** Why a job went where it went; a label of {@code gateway_routing_decisions_total} and of the routing header. */
public enum RouteReason {
    /** The board holds the job's cache (its status says so, or this gateway just sent it a job that builds it). */
    CACHE_HOLDER,
    /** Some board holds the cache, but it was over the load bound or slower to a first token: a replica is built. */
    SPILL_OVERLOADED,
    /** No board holds the job's cache (or it names none): the board with the lowest estimate. */
    LEAST_LOADED,
    /** No board holds the cache: the key's stable owner builds it, so later jobs with this key meet there. */
    NEW_REPLICA_ON_KEY_OWNER,
    /** The round-robin policy's turn. */
    ROUND_ROBIN,
    /** The hash policy: Kafka's partitioner on the record key. */
    KEY_HASH,
    /** No live board with partitions for the model: Kafka's key hash decides. */
    NO_FLEET_VIEW,
    /** No board within the load bound (should not happen: the least loaded always is): key hash. */
    NO_ELIGIBLE_BOARD,
    /** The policy failed: key hash, so that routing never fails a request. */
    ROUTING_FAILED
}
