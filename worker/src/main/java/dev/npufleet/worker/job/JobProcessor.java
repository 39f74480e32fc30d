package dev.npufleet.worker.job;

import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.cache.PromptCaches;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.engine.NpuLostException;
import dev.npufleet.worker.engine.Sampling;
import dev.npufleet.worker.kafka.RecordOutcome;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.PromptPlan;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one valid job through its life on the NPU slot: skip it if cancelled or past its deadline,
 * count crashes through the {@link PoisonMarker} (dead-letter a poison job), publish STARTED, run
 * it, and turn any failure into an ERROR event. Job thread only.
 */
public final class JobProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(JobProcessor.class);

    private final JobServices s;

    public JobProcessor(JobServices services) {
        this.s = services;
    }

    /** @return completes when the job's last event is acknowledged (see {@link RecordOutcome}) */
    public CompletableFuture<RecordOutcome> process(Job job, RecordContext ctx, RunControl control, byte[] payload) {
        long now = s.clock().millis();
        if (s.slot().isCancelled(job.id()) || control.reason() == AbortReason.CANCELLED) {
            s.metrics().job(WorkerMetrics.Outcome.CANCELLED);
            return last(job, Event.finish(job.id(), s.workerId(), 1, 0, "cancelled", Usage.of(0, 0, 0), null, null));
        }
        if (control.aborted()) {
            return CompletableFuture.completedFuture(RecordOutcome.ABANDONED); // revoked before it started
        }
        if (job.expiredAt(now)) {
            s.metrics().job(WorkerMetrics.Outcome.EXPIRED);
            return last(job, Event.error(job.id(), s.workerId(), 1, ErrorInfo.of(ErrorCode.DEADLINE_EXCEEDED,
                    "deadline passed " + (now - job.deadline()) + " ms before a worker reached the job")));
        }
        int attempt = s.marker().begin(job.id(), ctx.topic(), ctx.partition(), ctx.offset());
        if (attempt > s.maxAttempts()) {
            s.marker().clear();
            return poison(job, ctx, payload, attempt - 1);
        }
        PriorAttempt prior = ctx.mayHaveRun() || attempt > 1 ? s.history().lookup(job) : PriorAttempt.NONE;
        if (prior.ended()) {
            s.marker().clear();
            LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", s.workerId())
                    .addKeyValue("partition", ctx.partition())
                    .log("Job already answered by an earlier attempt (its last event is in {}); skipping it",
                            job.replyTo());
            return CompletableFuture.completedFuture(RecordOutcome.DONE);
        }
        attempt = Math.max(attempt, prior.attempts() + 1);
        boolean npuLost = false;
        try {
            return run(job, ctx, control, attempt, prior, queueMs(job, ctx, now));
        } catch (NpuLostException e) {
            npuLost = true; // keep the marker: if this job took the NPU down, it counts as a crash
            throw e;
        } finally {
            if (!npuLost) {
                s.marker().clear();
            }
        }
    }

    private CompletableFuture<RecordOutcome> run(Job job, RecordContext ctx, RunControl control, int attempt,
            PriorAttempt prior, long queueMs) {
        PriorAttempt continued = job.kind() != JobKind.CACHE_BUILD
                && s.rerun().continues(prior, Sampling.of(job.params()), s.engine().takesSeed()) ? prior
                : PriorAttempt.NONE;
        if (!continued.text().isEmpty()) {
            LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", s.workerId())
                    .log("Continuing the {} characters an earlier attempt delivered", continued.length());
        }
        ChunkPublisher chunks = new ChunkPublisher(s.sink(), job.replyTo(), job.id(), s.workerId(), attempt,
                continued.length(), continued.tokens());
        s.metrics().queueWait(queueMs);
        s.sink().send(job.replyTo(), job.id(), Event.started(job.id(), s.workerId(), attempt,
                new Timings(queueMs, 0, 0, 0, 0, 0, 0)));
        try {
            CacheDefinition cache = resolveCache(job);
            if (job.kind() == JobKind.CACHE_BUILD) {
                return buildCache(job, cache, chunks);
            }
            return new GenerationRun(s, job, ctx, control, chunks, continued).run(cache, queueMs);
        } catch (PromptCaches.BuildAborted e) {
            AbortReason reason = control.reason();
            if (reason != null && reason.abandonsJob()) {
                return CompletableFuture.completedFuture(RecordOutcome.ABANDONED);
            }
            s.metrics().job(WorkerMetrics.Outcome.CANCELLED);
            return chunks.finish(Event.finish(job.id(), s.workerId(), attempt, chunks.length(), "cancelled",
                    Usage.of(0, 0, 0), null, null)).thenApply(v -> RecordOutcome.DONE);
        } catch (InferenceException e) {
            return failed(job, chunks, e.code(), e.getMessage(), e);
        } catch (NpuLostException e) {
            throw e;
        } catch (RuntimeException e) {
            return failed(job, chunks, ErrorCode.INTERNAL, "internal error: " + e, e);
        }
    }

    private CacheDefinition resolveCache(Job job) {
        if (job.cache() == null) {
            return null;
        }
        String name = job.cache().name();
        CacheDefinition def = job.cache().definition() != null ? job.cache().definition()
                : s.cacheView().resolve(name, s.cacheLookupWait()).orElseThrow(() -> new InferenceException(
                        ErrorCode.CACHE_NOT_FOUND, "no cache named " + name + " for model " + s.model()));
        if (!def.model().equals(s.model())) {
            throw new InferenceException(ErrorCode.INVALID_REQUEST,
                    "cache " + name + " belongs to model " + def.model() + ", not " + s.model());
        }
        if (def.expiredAt(s.clock().millis())) {
            throw new InferenceException(ErrorCode.CACHE_NOT_FOUND, "cache " + name + " has expired");
        }
        return def;
    }

    private CompletableFuture<RecordOutcome> buildCache(Job job, CacheDefinition def, ChunkPublisher chunks) {
        String prefix = PromptPlan.prefixOf(def, s.template());
        PromptCaches.Prepared p = s.caches().ensure(def, prefix, PromptPlan.templateIdOf(def, s.template()));
        if (p.built()) {
            s.metrics().cacheBuilt(p.buildMs());
        }
        s.metrics().job(WorkerMetrics.Outcome.FINISHED);
        CacheBuild result = new CacheBuild(s.workerId(), def.name(), def.revision(), p.built(),
                p.manifest().sizeBytes(), p.buildMs(), p.manifest().prefixTokens());
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", s.workerId()).addKeyValue("model", s.model())
                .addKeyValue("cache", def.name()).log("Cache {} in {} ms ({} tokens)",
                        p.built() ? "built" : "already valid", p.buildMs(), p.manifest().prefixTokens());
        Usage usage = Usage.of(p.manifest().prefixTokens(), 0, 0);
        Timings timings = new Timings(0, p.buildMs(), 0, 0, 0, 0, p.buildMs());
        return chunks.finish(Event.finish(job.id(), s.workerId(), chunks.attempt(), 0, "stop", usage, timings, result))
                .thenApply(v -> RecordOutcome.DONE);
    }

    private CompletableFuture<RecordOutcome> failed(Job job, ChunkPublisher chunks, ErrorCode code, String message,
            Throwable cause) {
        s.metrics().job(WorkerMetrics.Outcome.FAILED);
        var log = code == ErrorCode.INTERNAL ? LOG.atError().setCause(cause) : LOG.atWarn();
        log.addKeyValue("jobId", job.id()).addKeyValue("board", s.workerId()).addKeyValue("model", s.model())
                .log("Job failed ({}): {}", code.wire(), message);
        return chunks.finish(Event.error(job.id(), s.workerId(), chunks.attempt(), ErrorInfo.of(code, message)))
                .thenApply(v -> RecordOutcome.DONE);
    }

    private CompletableFuture<RecordOutcome> poison(Job job, RecordContext ctx, byte[] payload, int crashes) {
        String reason = "crashed the worker " + crashes + " times";
        s.metrics().job(WorkerMetrics.Outcome.DEAD_LETTERED);
        LOG.atError().addKeyValue("jobId", job.id()).addKeyValue("board", s.workerId())
                .addKeyValue("partition", ctx.partition()).log("Poison job dead-lettered: {}", reason);
        return s.deadLetters().send(ctx, payload, reason, job.id(), job.replyTo(),
                ErrorInfo.of(ErrorCode.POISON_JOB, "the job " + reason), crashes + 1)
                .thenApply(v -> RecordOutcome.DONE);
    }

    private CompletableFuture<RecordOutcome> last(Job job, Event event) {
        return s.sink().send(job.replyTo(), job.id(), event).thenApply(v -> RecordOutcome.DONE);
    }

    private static long queueMs(Job job, RecordContext ctx, long now) {
        long created = job.createdAt() > 0 ? job.createdAt() : ctx.timestamp();
        return Math.max(0, now - created);
    }
}
