package dev.npufleet.worker.job;

import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.status.WorkerStats;
import java.time.Clock;
import java.time.Duration;

/**
 * What running a job needs, wired once by the worker.
 *
 * @param maxNewTokens the worker's cap on tokens per job (a job's {@code max_tokens} may only lower it)
 * @param maxAttempts how many times a job may take the worker down before it is dead-lettered
 * @param cacheLookupWait how long a job naming only a cache waits for the caches view to catch up
 * @param history what earlier attempts at a job published (looked up for jobs another worker may have run)
 * @param rerun how a job whose answer an earlier attempt had started is run
 */
public record JobServices(
        String workerId,
        String model,
        EventSink sink,
        InferenceEngine engine,
        PromptCaches caches,
        AutoCaches autoCaches,
        CacheDefinitionView cacheView,
        ChatTemplate template,
        SlotControl slot,
        PoisonMarker marker,
        DeadLetters deadLetters,
        WorkerMetrics metrics,
        WorkerStats stats,
        int maxNewTokens,
        int maxAttempts,
        Duration cacheLookupWait,
        Clock clock,
        JobHistory history,
        RerunMode rerun) {
}
