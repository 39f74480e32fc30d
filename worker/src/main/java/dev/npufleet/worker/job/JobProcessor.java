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
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.prompt.Conversation;
import dev.npufleet.worker.prompt.PromptPlan;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one valid job through its life on the NPU slot: skip it if cancelled or past its deadline,
 * count crashes through the {@link PoisonMarker} and the job's history (dead-letter a poison job, as
 * {@link PoisonRule} decides), publish STARTED, run it, and turn any failure into an ERROR event. Job thread only.
 */
public final class JobProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(JobProcessor.class);

    private final JobServices s;
    /** This worker's id, as every event and log line names it. */
    private final String board;

    public JobProcessor(JobServices services) {
        this.s = services;
        this.board = services.identity().workerId();
    }

    /** @return completes when the job's last event is acknowledged (see {@link RecordOutcome}) */
    public CompletableFuture<RecordOutcome> process(Job job, RecordContext ctx, RunControl control, byte[] payload) {
        long now = s.tracking().clock().millis();
        CompletableFuture<RecordOutcome> skipped = skipBeforeStart(job, ctx, control, now);
        if (skipped != null) {
            return skipped;
        }
        PoisonMarker marker = s.output().marker();
        PoisonMarker.Marker left = marker.leftFor(job.id(), ctx.topic(), ctx.partition(), ctx.offset());
        PoisonMarker.Marker lost = marker.lostFor(job.id(), ctx.topic(), ctx.partition(), ctx.offset());
        int deaths = left == null ? 0 : left.attempts();
        boolean mayHaveCrashed = ctx.mayHaveRun() || deaths > 0 || lost != null;
        PriorAttempt prior = mayHaveCrashed ? s.output().history().lookup(job) : PriorAttempt.NONE;
        if (prior.ended()) {
            marker.clear();
            marker.forgetLost(job.id());
            LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board)
                    .addKeyValue("partition", ctx.partition())
                    .log("Job already answered by an earlier attempt (its last event is in {}); skipping it",
                            job.replyTo());
            return CompletableFuture.completedFuture(RecordOutcome.DONE);
        }
        if (lost != null) {
            if (lost.attempt() > prior.attempts()) {
                prior = recordLost(job, ctx, lost.attempt(), prior);
            }
            if (lost.attempt() <= prior.attempts()) {
                marker.forgetLost(job.id()); // the history shows it now (kept when the write failed: next time)
            }
        }
        String poison = new PoisonRule(s.limits().maxAttempts()).verdict(deaths, prior);
        if (poison != null) {
            return poison(job, ctx, payload, poison, prior.attempts() + 1);
        }
        Attempt attempt = new Attempt(Math.max(deaths + 1, prior.attempts() + 1), deaths + 1, mayHaveCrashed);
        boolean npuLost = false;
        try {
            return run(job, ctx, control, attempt, prior, queueMs(job, ctx, now));
        } catch (NpuLostException e) {
            npuLost = true; // keep the marker: if this job took the NPU down, it counts as a crash
            throw e;
        } finally {
            if (!npuLost) {
                marker.clear();
            }
        }
    }

    /**
     * Which attempt this is: {@code number} as the job's events carry it, {@code inARow} this worker's attempts at the
     * record in a row (its marker's count), and whether an earlier attempt may have crashed a board.
     */
    private record Attempt(int number, int inARow, boolean mayHaveCrashed) {
    }

    /**
     * Writes the STARTED of an attempt this board lost with its process (kept from the marker that process left,
     * {@link PoisonMarker#lostFor}, whatever ran since) and the job's history does not show: a first attempt's
     * STARTED is not awaited before the runtime runs, so a crash within the send can lose it; this puts the evidence
     * where {@link PoisonRule} counts it on every board. Best effort, awaited.
     */
    private PriorAttempt recordLost(Job job, RecordContext ctx, int lost, PriorAttempt prior) {
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board).addKeyValue("attempt", lost)
                .log("Recording an attempt this board lost with its process before its STARTED reached the log");
        boolean recorded = onRecord(s.output().sink().send(job.replyTo(), job.id(), Event.started(job.id(), board,
                lost, new Timings(0, 0, 0, 0, 0, 0, 0), false), ctx.trace().context()));
        return recorded ? prior.withLost(board, lost) : prior;
    }

    /** Ends a job that was cancelled, revoked or past its deadline before it started; null: run it. */
    private CompletableFuture<RecordOutcome> skipBeforeStart(Job job, RecordContext ctx, RunControl control,
            long now) {
        if (s.tracking().slot().isCancelled(job.id()) || control.reason() == AbortReason.CANCELLED) {
            s.tracking().metrics().job(WorkerMetrics.Outcome.CANCELLED);
            return last(job, ctx, Event.finish(job.id(), board, 1, 0, "cancelled", Usage.of(0, 0, 0), null, null));
        }
        if (control.aborted()) {
            return CompletableFuture.completedFuture(RecordOutcome.ABANDONED); // revoked before it started
        }
        if (job.expiredAt(now)) {
            s.tracking().metrics().job(WorkerMetrics.Outcome.EXPIRED);
            return last(job, ctx, Event.error(job.id(), board, 1, ErrorInfo.of(ErrorCode.DEADLINE_EXCEEDED,
                    "deadline passed " + (now - job.deadline()) + " ms before a worker reached the job")));
        }
        return null;
    }

    private CompletableFuture<RecordOutcome> run(Job job, RecordContext ctx, RunControl control, Attempt attempt,
            PriorAttempt prior, long queueMs) {
        PriorAttempt continued = job.kind() != JobKind.CACHE_BUILD && job.kind() != JobKind.EMBEDDING
                ? rerunFrom(job, prior) : PriorAttempt.NONE;
        ChunkPublisher chunks = new ChunkPublisher(s.output().sink(), job.replyTo(), job.id(), board, attempt.number(),
                continued.length(), continued.tokens(), ctx.trace().context());
        HopMarks hops = new HopMarks(ctx.polledNanos(), s.tracking().metrics());
        chunks.measure(hops);
        s.tracking().metrics().queueWait(queueMs);
        CompletableFuture<Void> started = s.output().sink().send(job.replyTo(), job.id(), Event.started(job.id(),
                board, attempt.number(), new Timings(queueMs, 0, 0, 0, 0, 0, 0), opensThinking(job)),
                ctx.trace().context());
        chunks.after(started);
        s.output().marker().begin(job.id(), ctx.topic(), ctx.partition(), ctx.offset(), attempt.inARow(),
                attempt.number());
        if (attempt.mayHaveCrashed() && !onRecord(started)) {
            s.tracking().metrics().job(WorkerMetrics.Outcome.UNDELIVERED);
            return started.thenApply(v -> RecordOutcome.DONE); // failed: the loop runs the job again
        }
        try {
            CacheDefinition cache = resolveCache(job);
            if (job.kind() == JobKind.CACHE_BUILD) {
                return buildCache(job, cache, chunks);
            }
            if (job.kind() == JobKind.EMBEDDING) {
                return new EmbeddingRun(s, job, control, chunks).run(queueMs);
            }
            return new GenerationRun(s, job, ctx, control, chunks, continued, hops).run(cache, queueMs);
        } catch (PromptCaches.BuildAborted e) {
            AbortReason reason = control.reason();
            if (reason != null && reason.abandonsJob()) {
                return CompletableFuture.completedFuture(RecordOutcome.ABANDONED);
            }
            s.tracking().metrics().job(WorkerMetrics.Outcome.CANCELLED);
            return chunks.finish(Event.finish(job.id(), board, attempt.number(), chunks.length(), "cancelled",
                    Usage.of(0, 0, 0), null, null)).thenApply(v -> RecordOutcome.DONE);
        } catch (InferenceException e) {
            return failed(job, ctx, chunks, e.toErrorInfo(), e);
        } catch (NpuLostException e) {
            throw e;
        } catch (RuntimeException e) {
            return failed(job, ctx, chunks, ErrorInfo.of(ErrorCode.INTERNAL, "internal error: " + e), e);
        }
    }

    /** The earlier attempt's text to continue, or {@link PriorAttempt#NONE} to replay (or run) from the start. */
    private PriorAttempt rerunFrom(Job job, PriorAttempt prior) {
        RerunFacts facts = new RerunFacts(s.prompting().engine().takesSeed(),
                s.prompting().engine().continuesExactly(), s.tracking().stats().decodeTokensPerSecond(),
                s.limits().replayMax());
        if (!s.limits().rerun().continues(prior, Sampling.of(job.params()), facts)) {
            return PriorAttempt.NONE;
        }
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board)
                .addKeyValue("exact", facts.continuesExactly())
                .addKeyValue("replayEstimateMs", facts.replayEstimateMs(prior.tokens()))
                .log("Continuing the {} characters an earlier attempt delivered", prior.length());
        return prior;
    }

    /**
     * Waits for a STARTED to be acknowledged. A job that may already have crashed a board (its record may have run
     * before, or this board's marker names it) waits for its attempt's STARTED before the runtime runs it: a job that
     * kills the board must leave its attempt in the job's history, the fleet-wide evidence {@link PoisonRule} counts
     * (a STARTED still in the producer's buffer dies with the process). A first attempt does not wait: its STARTED
     * goes out while the marker is written, the prompt planned and the prompt prefilled, and its last event waits
     * for the acknowledgement ({@link ChunkPublisher#after}); should its STARTED die with the process, the marker
     * puts it in the log when the job comes back ({@code recordLost}).
     *
     * @return false when it could not be delivered (a broker outage past the delivery timeout)
     */
    private static boolean onRecord(CompletableFuture<Void> started) {
        try {
            started.join();
            return true;
        } catch (CompletionException | CancellationException e) {
            return false;
        }
    }

    /** Whether the template ends the job's prompt inside a thinking block (readers split the answer by it). */
    private boolean opensThinking(Job job) {
        return job.kind() == JobKind.CHAT
                && s.prompting().template().opensThinking(Conversation.of(job.messages(), true));
    }

    private CacheDefinition resolveCache(Job job) {
        if (job.cache() == null) {
            return null;
        }
        String name = job.cache().name();
        CacheDefinition def = job.cache().definition() != null ? job.cache().definition()
                : s.prompting().cacheView().resolve(name, s.limits().cacheLookupWait())
                        .orElseThrow(() -> new InferenceException(ErrorCode.CACHE_NOT_FOUND,
                                "no cache named " + name + " for model " + s.identity().model()));
        if (!def.model().equals(s.identity().model())) {
            throw new InferenceException(ErrorCode.INVALID_REQUEST,
                    "cache " + name + " belongs to model " + def.model() + ", not " + s.identity().model());
        }
        if (def.expiredAt(s.tracking().clock().millis())) {
            throw new InferenceException(ErrorCode.CACHE_NOT_FOUND, "cache " + name + " has expired");
        }
        return def;
    }

    private CompletableFuture<RecordOutcome> buildCache(Job job, CacheDefinition def, ChunkPublisher chunks) {
        String prefix = PromptPlan.prefixOf(def, s.prompting().template());
        PromptCaches.Prepared p = s.prompting().caches().ensure(def, prefix,
                PromptPlan.templateIdOf(def, s.prompting().template()));
        if (p.built()) {
            s.tracking().metrics().cacheBuilt(p.buildMs());
        }
        s.tracking().metrics().job(WorkerMetrics.Outcome.FINISHED);
        CacheBuild result = new CacheBuild(board, def.name(), def.revision(), p.built(),
                p.manifest().sizeBytes(), p.buildMs(), p.manifest().prefixTokens());
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board)
                .addKeyValue("model", s.identity().model()).addKeyValue("cache", def.name())
                .log("Cache {} in {} ms ({} tokens)", p.built() ? "built" : "already valid", p.buildMs(),
                        p.manifest().prefixTokens());
        Usage usage = Usage.of(p.manifest().prefixTokens(), 0, 0);
        Timings timings = new Timings(0, p.buildMs(), 0, 0, 0, 0, p.buildMs());
        return chunks.finish(Event.finish(job.id(), board, chunks.attempt(), 0, "stop", usage, timings, result))
                .thenApply(v -> RecordOutcome.DONE);
    }

    private CompletableFuture<RecordOutcome> failed(Job job, RecordContext ctx, ChunkPublisher chunks, ErrorInfo error,
            Throwable cause) {
        s.tracking().metrics().job(WorkerMetrics.Outcome.FAILED);
        ctx.trace().failed(error.code());
        var log = ErrorCode.INTERNAL.wire().equals(error.code()) ? LOG.atError().setCause(cause) : LOG.atWarn();
        log.addKeyValue("jobId", job.id()).addKeyValue("board", board).addKeyValue("model", s.identity().model())
                .log("Job failed ({}): {}", error.code(), error.message());
        return chunks.finish(Event.error(job.id(), board, chunks.attempt(), error))
                .thenApply(v -> RecordOutcome.DONE);
    }

    /** Dead-letters a poison job; its marker is cleared only once the DLQ record is acknowledged. */
    private CompletableFuture<RecordOutcome> poison(Job job, RecordContext ctx, byte[] payload, String reason,
            int attempt) {
        s.tracking().metrics().job(WorkerMetrics.Outcome.DEAD_LETTERED);
        LOG.atError().addKeyValue("jobId", job.id()).addKeyValue("board", board)
                .addKeyValue("partition", ctx.partition()).log("Poison job dead-lettered: {}", reason);
        return s.output().deadLetters().send(ctx, payload, reason, job.id(), job.replyTo(),
                ErrorInfo.of(ErrorCode.POISON_JOB, "the job " + reason), attempt)
                .thenApply(v -> {
                    s.output().marker().clear(job.id());
                    return RecordOutcome.DONE;
                });
    }

    private CompletableFuture<RecordOutcome> last(Job job, RecordContext ctx, Event event) {
        return s.output().sink().send(job.replyTo(), job.id(), event, ctx.trace().context())
                .thenApply(v -> RecordOutcome.DONE);
    }

    private static long queueMs(Job job, RecordContext ctx, long now) {
        long created = job.createdAt() > 0 ? job.createdAt() : ctx.timestamp();
        return Math.max(0, now - created);
    }
}
