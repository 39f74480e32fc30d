package dev.npufleet.worker.job;

import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.config.IdentityConfig;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.status.WorkerStats;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What running a job needs, wired once by the worker, in five small groups. Immutable; any thread.
 *
 * @param identity the board and the model it serves
 * @param output where a job's events go, and what earlier attempts at it left
 * @param prompting the engine and everything that turns a job into its prompt
 * @param tracking the slot, the counters and the clock a job reports to
 * @param limits the worker's settings for jobs
 */
public record JobServices(IdentityConfig identity, Output output, Prompting prompting, Tracking tracking,
        Limits limits) {

    public JobServices {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(prompting, "prompting");
        Objects.requireNonNull(tracking, "tracking");
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param history what earlier attempts at a job published (looked up for jobs another worker may have run)
     * @param marker counts the crashes a job causes
     */
    public record Output(EventSink sink, DeadLetters deadLetters, JobHistory history, PoisonMarker marker) {
    }

    /** @param cacheView the cache definitions of the caches topic */
    public record Prompting(InferenceEngine engine, PromptCaches caches, AutoCaches autoCaches,
            CacheDefinitionView cacheView, ChatTemplate template) {
    }

    public record Tracking(SlotControl slot, WorkerMetrics metrics, WorkerStats stats, Clock clock) {
    }

    /**
     * @param maxNewTokens the worker's cap on tokens per job (a job's {@code max_tokens} may only lower it)
     * @param maxAttempts how many times a job may take the worker down before it is dead-lettered
     * @param cacheLookupWait how long a job naming only a cache waits for the caches view to catch up
     * @param rerun how a job whose answer an earlier attempt had started is run
     * @param replayMax the longest replay {@link RerunMode#AUTO} accepts where a continuation is not proven exact
     */
    public record Limits(int maxNewTokens, int maxAttempts, Duration cacheLookupWait, RerunMode rerun,
            Duration replayMax) {
    }
}
