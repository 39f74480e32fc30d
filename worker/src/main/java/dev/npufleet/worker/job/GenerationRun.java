package dev.npufleet.worker.job;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.cache.AutoCaches;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.engine.CacheContract;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.Sampling;
import dev.npufleet.worker.engine.TokenListener;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.PromptPlan;
import dev.npufleet.worker.prompt.StopSequenceFilter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat or completion job on the NPU: renders the prompt, gets its cache (named, or automatic
 * for a repeated system prompt) into the engine, runs it, streams the text through the stop filter
 * into chunks, and ends with FINISH (usage from the runtime's perf stats, timings). A run that continues
 * an earlier attempt's delivered text puts that text after the prompt (the start of the assistant's
 * answer) and spends only what is left of {@code max_tokens}. Job thread; {@link #onToken} on the
 * runtime's token thread.
 */
final class GenerationRun implements TokenListener {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationRun.class);

    private final JobServices s;
    /** This worker's id, as every event and log line names it. */
    private final String board;
    private final Job job;
    private final RecordContext ctx;
    private final RunControl control;
    private final ChunkPublisher chunks;
    private final StopSequenceFilter stops;
    private final PriorAttempt continued;
    private final HopMarks hops;
    private final boolean trace = LOG.isTraceEnabled();
    private final long startNanos = System.nanoTime();
    private volatile long firstTokenNanos;
    private int tokens;

    /**
     * @param continued the earlier attempt's text to continue, or {@link PriorAttempt#NONE}
     * @param hops the job's marks: this run sets slot started and first token
     */
    GenerationRun(JobServices services, Job job, RecordContext ctx, RunControl control, ChunkPublisher chunks,
            PriorAttempt continued, HopMarks hops) {
        this.s = services;
        this.board = services.identity().workerId();
        this.job = job;
        this.ctx = ctx;
        this.control = control;
        this.chunks = chunks;
        this.continued = continued;
        this.hops = hops;
        this.stops = new StopSequenceFilter(job.params().stop());
        chunks.onFailure(() -> control.abort(AbortReason.UNDELIVERED));
    }

    /** Runs the job; returns the future of its last event, or ABANDONED when revoked or shut down. */
    CompletableFuture<RecordOutcome> run(CacheDefinition cache, long queueMs) {
        JobAdmission.check(job.params(), s.prompting().engine(), s.limits().maxNewTokens());
        Planned planned = prepare(cache);
        PromptPlan plan = planned.prompt();
        PromptCaches.Prepared prepared = planned.cache();
        if (prepared != null && prepared.built()) {
            s.tracking().metrics().cacheBuilt(prepared.buildMs());
        }
        if (control.aborted() && control.reason().abandonsJob()) {
            return CompletableFuture.completedFuture(RecordOutcome.ABANDONED);
        }
        int maxNew = (job.params().maxTokens() == null ? s.limits().maxNewTokens()
                : Math.min(job.params().maxTokens(), s.limits().maxNewTokens())) - continued.tokens();
        String prompt = plan.full() + continued.text();
        hops.slotStarted();
        ctx.trace().prefilling(chunks.attempt());
        EngineResult result = control.aborted() || maxNew <= 0 ? null : s.prompting().engine().run(
                new EngineRequest(prompt, maxNew, Sampling.of(job.params()), JobSeeds.seedOf(job), null,
                        prepared == null ? null : plan.prefix()), this);
        ctx.trace().generated(tokens);
        AbortReason reason = control.reason();
        if (reason != null && reason.abandonsJob()) {
            return CompletableFuture.completedFuture(RecordOutcome.ABANDONED);
        }
        if (reason == AbortReason.UNDELIVERED || chunks.failed()) {
            s.tracking().metrics().job(WorkerMetrics.Outcome.UNDELIVERED);
            return chunks.done().thenApply(v -> RecordOutcome.DONE); // failed: the loop runs the job again
        }
        if (reason != AbortReason.STOP_SEQUENCE) {
            chunks.append(stops.flush());
        }
        String finishReason = reason == AbortReason.CANCELLED ? "cancelled"
                : reason == AbortReason.STOP_SEQUENCE ? "stop"
                : tokens >= maxNew ? "length" : "stop";
        return finish(result, prepared, queueMs, finishReason);
    }

    /** The prompt and the prompt cache it runs with (null: none). */
    private record Planned(PromptPlan prompt, PromptCaches.Prepared cache) {
    }

    /** Plans the prompt and loads its cache: the named one, else an automatic one, else none. */
    private Planned prepare(CacheDefinition cache) {
        PromptPlan plan = PromptPlan.of(job, cache, s.prompting().template());
        if (s.prompting().engine().cacheContract() == CacheContract.OFF) {
            // The runtime reproduced no cached answer at start: run uncached (cached_tokens 0), never wrong.
            s.prompting().caches().useNone();
            return new Planned(plan, null);
        }
        if (cache != null && plan.prefix() == null) {
            LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("cache", cache.name())
                    .log("The prompt does not start with the cache's prefix (tools in the system turn); no cache");
            s.prompting().caches().useNone();
            return new Planned(plan, null);
        }
        if (cache != null) {
            return new Planned(plan, s.prompting().caches().use(cache, plan.prefix(),
                    PromptPlan.templateIdOf(cache, s.prompting().template())));
        }
        Optional<AutoCaches.Applied> auto = s.prompting().autoCaches().apply(job, plan.full());
        if (auto.isPresent()) {
            return new Planned(new PromptPlan(auto.get().prefix(), plan.full(), plan.opensThinking()),
                    auto.get().prepared());
        }
        s.prompting().caches().useNone();
        return new Planned(plan, null);
    }

    @Override
    public void onToken(int tokenId, String text) {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
            hops.firstToken();
            ctx.trace().firstToken();
        }
        tokens++;
        if (trace) {
            LOG.atTrace().addKeyValue("jobId", job.id()).log("token {} '{}'", tokenId, text);
        }
        if (control.aborted()) {
            control.reassert();
            return;
        }
        String out = stops.accept(text);
        if (!out.isEmpty()) {
            chunks.append(out, continued.tokens() + tokens);
        }
        if (stops.stopped()) {
            control.abort(AbortReason.STOP_SEQUENCE);
        }
    }

    private CompletableFuture<RecordOutcome> finish(EngineResult r, PromptCaches.Prepared prepared, long queueMs,
            String finishReason) {
        int prefill = r == null ? 0 : r.prefillTokens();
        int prompt = r == null ? 0 : r.promptTokens() >= 0 ? r.promptTokens()
                // The vendor runtime does not report the prompt length: assume the cache held its whole prefix.
                : prefill + (prepared == null ? 0 : prepared.manifest().prefixTokens());
        // A cache built for this very job saved nothing: its prefix was prefilled by the build run.
        int builtHere = prepared != null && prepared.built() ? prepared.manifest().prefixTokens() : 0;
        int cached = Math.max(0, prompt - prefill - builtHere);
        // a continued answer: its earlier text was prompt to this run, but is completion to the client
        prompt = Math.max(cached, prompt - continued.tokens());
        int completion = continued.tokens() + (r == null ? 0 : r.generateTokens());
        Usage usage = Usage.of(prompt, completion, cached);
        double ttftMs = firstTokenNanos == 0 ? 0 : (firstTokenNanos - startNanos) / 1e6;
        long totalMs = (System.nanoTime() - startNanos) / 1_000_000;
        double prefillRate = r == null ? 0 : r.prefillTokensPerSecond();
        double decodeRate = r == null ? 0 : r.decodeTokensPerSecond();
        Timings timings = new Timings(queueMs, prepared == null ? 0 : prepared.buildMs(),
                r == null ? 0 : r.prefillMs(), ttftMs, decodeRate, prefillRate, totalMs);
        record(usage, prepared, ttftMs, prefillRate, decodeRate, finishReason);
        Event last = Event.finish(job.id(), board, chunks.attempt(), chunks.length(), finishReason, usage,
                timings, null);
        return chunks.finish(last).thenApply(v -> RecordOutcome.DONE);
    }

    private void record(Usage usage, PromptCaches.Prepared prepared, double ttftMs, double prefillRate,
            double decodeRate, String finishReason) {
        WorkerMetrics m = s.tracking().metrics();
        m.job("cancelled".equals(finishReason) ? WorkerMetrics.Outcome.CANCELLED : WorkerMetrics.Outcome.FINISHED);
        if (firstTokenNanos != 0) {
            m.ttft(ttftMs);
        }
        m.rates(prefillRate, decodeRate);
        m.tokens(usage.promptTokens(), usage.completionTokens());
        if (prepared != null) {
            m.cacheUse(usage.cacheHit());
        }
        s.tracking().stats().jobDone(prefillRate, decodeRate);
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board)
                .addKeyValue("model", s.identity().model()).addKeyValue("partition", ctx.partition())
                .log("Job done ({}): {} prompt tokens ({} cached) at {} tok/s, {} generated at {} tok/s, TTFT {} ms{}",
                        finishReason, usage.promptTokens(), usage.cachedTokens(), Math.round(prefillRate),
                        usage.completionTokens(), Math.round(decodeRate), Math.round(ttftMs),
                        continued.text().isEmpty() ? "" : ", continuing " + continued.tokens()
                                + " tokens of an earlier attempt");
    }
}
