package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A worker's latest view of itself, published every heartbeat to the compacted workers topic
 * (key = worker id; a tombstone when it leaves cleanly). Gateways build their fleet view and
 * routing decisions from it.
 *
 * @param partitions the job partitions this worker owns now
 * @param queueDepth jobs waiting in its partitions (consumer lag), plus the one running
 * @param capacity relative speed weight of the board (an RK3588 = 1.0)
 * @param heartbeatMs how often the worker publishes; a status older than a few of these is stale
 */
public record WorkerStatus(
        int v,
        String workerId,
        String model,
        String runtime,
        String abi,
        State state,
        List<Integer> partitions,
        List<CacheHolding> caches,
        long queueDepth,
        String currentJob,
        double prefillTokensPerSecond,
        double decodeTokensPerSecond,
        double capacity,
        long jobsDone,
        long heartbeatMs,
        long startedAt,
        long timestamp) {

    public WorkerStatus {
        Objects.requireNonNull(workerId, "worker_id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        caches = caches == null ? List.of() : List.copyOf(caches);
    }

    /** This status with another queue depth (a reader's correction for what it knows happened since). */
    public WorkerStatus withQueueDepth(long depth) {
        return new WorkerStatus(v, workerId, model, runtime, abi, state, partitions, caches, depth, currentJob,
                prefillTokensPerSecond, decodeTokensPerSecond, capacity, jobsDone, heartbeatMs, startedAt, timestamp);
    }

    /** What the worker is doing. */
    public enum State { IDLE, BUSY, DRAINING }

    /** One cache file held on the board. */
    public record CacheHolding(String name, String revision, long sizeBytes, long hits, long lastUsed) {
    }
}
