package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A worker's latest view of itself, published every heartbeat to the compacted workers topic
 * (key = worker id; a tombstone when it leaves cleanly). Gateways build their fleet view and
 * routing decisions from it.
 *
 * @param partitions the job partitions this worker owns now
 * @param queueDepth jobs waiting in its partitions of the interactive lane (consumer lag), plus the one running
 *     (of either lane): what an interactive job sent there waits behind
 * @param capacity relative speed weight of the board (an RK3588 = 1.0)
 * @param heartbeatMs how often the worker publishes; a status older than a few of these is stale
 * @param serving what the board's model accepts (limits, chat template), or null from older workers
 * @param backgroundPartitions the partitions of the background lane's topic ({@link Topics#background}) this
 *     worker owns now; empty from older workers
 * @param backgroundDepth jobs waiting in its partitions of the background lane; 0 from older workers (whose
 *     {@code queueDepth} counts every job)
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
        long timestamp,
        Serving serving,
        List<Integer> backgroundPartitions,
        long backgroundDepth) {

    public WorkerStatus {
        Objects.requireNonNull(workerId, "worker_id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        caches = caches == null ? List.of() : List.copyOf(caches);
        backgroundPartitions = backgroundPartitions == null ? List.of() : List.copyOf(backgroundPartitions);
    }

    /** A status without background partitions (as workers before the priority lanes publish it). */
    public WorkerStatus(int v, String workerId, String model, String runtime, String abi, State state,
            List<Integer> partitions, List<CacheHolding> caches, long queueDepth, String currentJob,
            double prefillTokensPerSecond, double decodeTokensPerSecond, double capacity, long jobsDone,
            long heartbeatMs, long startedAt, long timestamp, Serving serving) {
        this(v, workerId, model, runtime, abi, state, partitions, caches, queueDepth, currentJob, prefillTokensPerSecond,
                decodeTokensPerSecond, capacity, jobsDone, heartbeatMs, startedAt, timestamp, serving, null, 0);
    }

    /** A status without {@link Serving} (as older workers publish it). */
    public WorkerStatus(int v, String workerId, String model, String runtime, String abi, State state,
            List<Integer> partitions, List<CacheHolding> caches, long queueDepth, String currentJob,
            double prefillTokensPerSecond, double decodeTokensPerSecond, double capacity, long jobsDone,
            long heartbeatMs, long startedAt, long timestamp) {
        this(v, workerId, model, runtime, abi, state, partitions, caches, queueDepth, currentJob, prefillTokensPerSecond,
                decodeTokensPerSecond, capacity, jobsDone, heartbeatMs, startedAt, timestamp, null);
    }

    /** This status with another queue depth (a reader's correction for what it knows happened since). */
    public WorkerStatus withQueueDepth(long depth) {
        return new WorkerStatus(v, workerId, model, runtime, abi, state, partitions, caches, depth, currentJob,
                prefillTokensPerSecond, decodeTokensPerSecond, capacity, jobsDone, heartbeatMs, startedAt, timestamp, serving,
                backgroundPartitions, backgroundDepth);
    }

    /** What the worker is doing. */
    public enum State { IDLE, BUSY, DRAINING }

    /**
     * What a board's model accepts, so a gateway can refuse what no board could run before publishing it.
     *
     * @param maxContext the context length (prompt and answer) in tokens
     * @param maxNewTokens the most tokens one answer may have
     * @param maxBytesPerToken the most UTF-8 bytes one token of the tokenizer spans, 0 when unknown: a prompt's bytes
     *     divided by it are a lower bound of its tokens (the simulator's byte tokenizer: 1)
     * @param chatTemplate the id of the chat template the board renders
     */
    public record Serving(int maxContext, int maxNewTokens, int maxBytesPerToken, String chatTemplate) {
    }

    /** One cache file held on the board. */
    public record CacheHolding(String name, String revision, long sizeBytes, long hits, long lastUsed) {
    }
}
