package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.gateway.jobs.AnswerCursor;
import dev.npufleet.gateway.jobs.JobListener;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.gateway.tracing.RequestTrace;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request waiting on its job: turns the job's events into a response and makes sure it
 * ends exactly once, by whichever comes first: the job's FINISH or ERROR, the deadline (504 and a
 * cancel), the client going away (a cancel), or a failed publish (503).
 *
 * <p>Threads: {@link #onEvent} runs on the events-consumer thread and must not block; the deadline
 * fires on the timer thread; a client failure arrives on a Jetty thread. The end is decided under
 * this object's monitor, so the subclass hooks for the end run once, and text is never written
 * after it.
 */
public abstract class JobExchange implements JobListener {
    private static final Logger LOG = LoggerFactory.getLogger(JobExchange.class);

    protected final ExchangeServices services;
    protected final String jobId;
    protected final String model;
    protected final Response response;
    protected final Callback callback;
    /** When the request's headers arrived (System.nanoTime), the start of every latency the client sees. */
    protected final long startNanos;
    private final AnswerCursor cursor = new AnswerCursor();
    private boolean ended; // guarded by this
    private volatile ScheduledFuture<?> deadline;
    private volatile String worker;
    private volatile boolean thinkingOpen;
    private final HopClock hops;
    private volatile HopReport timing;
    private final RequestTrace trace;
    private volatile Runnable answerStarted = () -> { };

    protected JobExchange(ExchangeServices services, String jobId, String model, Request request, Response response,
            Callback callback) {
        this.services = services;
        this.jobId = jobId;
        this.model = model;
        this.response = response;
        this.callback = callback;
        this.startNanos = request.getHeadersNanoTime();
        this.hops = new HopClock(startNanos, HopClock.asked(request), services.metrics(), model);
        this.trace = GatewayTracing.of(request);
        trace.job(jobId, model);
    }

    /**
     * Starts waiting: registers for the job's events, arms the deadline, watches the client. Call
     * before the job is published, so that no event can arrive unheard.
     */
    public final void open(Request request) {
        services.pending().register(jobId, this);
        request.addFailureListener(this::clientGone);
        // Long generations are silent for a while; our own deadline, not Jetty's idle timeout, ends them.
        request.addIdleTimeoutListener(timeout -> false);
        long remainingNanos = services.requestTimeout().toNanos() - (System.nanoTime() - startNanos);
        deadline = services.timers().schedule(this::timedOut, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
        opened();
    }

    @Override
    public final void onEvent(Event event) {
        onEvent(event, false);
    }

    @Override
    public final void onEvent(Event event, boolean moreInBatch) {
        handle(event);
        if (!moreInBatch) {
            flush();
        }
    }

    private void handle(Event event) {
        switch (event.type()) {
            case ACCEPTED -> {
                // the gateway's own record of an asynchronous job; nothing for a waiting request
            }
            case STARTED -> {
                worker = event.worker();
                thinkingOpen = event.thinkingOpen();
                trace.started(event.worker());
                services.routing().started(jobId, event.worker());
            }
            case CHUNK -> chunk(event);
            case FINISH -> {
                timing = hops.finish(event, System.nanoTime());
                if (event.worker() != null) {
                    worker = event.worker();
                }
                services.metrics().recent().finished(model, event.timings(), System.currentTimeMillis());
                if (cursor.isCut(event.seq())) {
                    cut(event);
                } else if (end("finished", event)) {
                    LOG.atDebug().addKeyValue("jobId", jobId).addKeyValue("board", worker)
                            .log("job finished after {} ms, {} code points", (System.nanoTime() - startNanos) / 1_000_000,
                                    cursor.delivered());
                    if (CompletionFormat.CANCELLED.equals(event.finishReason())) {
                        failed(ErrorMapping.cancelled());
                    } else {
                        finished(event);
                    }
                }
            }
            case ERROR -> {
                if (end("failed", event)) {
                    ErrorInfo error = event.error() != null ? event.error()
                            : ErrorInfo.of(ErrorCode.INTERNAL, "the worker reported an error without details");
                    LOG.atInfo().addKeyValue("jobId", jobId).addKeyValue("board", event.worker())
                            .log("job failed: {} {}", error.code(), error.message());
                    failed(ErrorMapping.fromWorker(error));
                }
            }
        }
    }

    /** The job ended with a hole still open in its text: the client gets an error, never a gap. */
    private void cut(Event finish) {
        if (end("cut", finish)) {
            ErrorInfo error = AnswerCursor.cutError(cursor.delivered(), finish.seq());
            services.metrics().answerCut();
            LOG.atWarn().addKeyValue("jobId", jobId).addKeyValue("board", worker)
                    .log("answer cut: {} of {} code points readable in order", cursor.delivered(), finish.seq());
            failed(ErrorMapping.fromWorker(error));
        }
    }

    private void chunk(Event event) {
        hops.chunkReceived(event.attempt());
        long dropped = cursor.dropped();
        long trimmed = cursor.trimmed();
        long gaps = cursor.gaps();
        String fresh = cursor.accept(event.seq(), event.text());
        services.metrics().duplicates(cursor.dropped() - dropped, cursor.trimmed() - trimmed);
        if (cursor.gaps() > gaps) {
            services.metrics().gap();
        }
        if (!fresh.isEmpty()) {
            trace.relaying();
            text(fresh, cursor.delivered());
        }
    }

    /**
     * Runs {@code hook} when the answer starts (a subclass says when: {@link #answerStarted}) and again when the
     * exchange ends, however it ends: it must be idempotent and quick. Call before {@link #open}.
     */
    public final void whenAnswerStarts(Runnable hook) {
        this.answerStarted = hook;
    }

    /** The answer started: the first text went to the client, or the first chunk arrived (any thread). */
    protected final void answerStarted() {
        answerStarted.run();
    }

    /** The job is about to be handed to the producer (request thread: only marks the time). */
    public final void jobSent() {
        hops.jobSent();
    }

    /** The broker acknowledged the job (the producer's I/O thread: only marks the time). */
    public final void jobAcked() {
        hops.jobAcked();
    }

    /** Marks text handed to the connection (the first such write ends the {@code relay} hop). */
    protected final void textWritten() {
        hops.firstWrite();
    }

    /** The job's hops, when the client asked for them and the job finished; else null. */
    protected final HopReport timingAsked() {
        return hops.asked() ? timing : null;
    }

    /** The job could not be published (any thread). */
    public final void publishFailed(Throwable failure) {
        if (end("unavailable", null)) {
            LOG.atWarn().addKeyValue("jobId", jobId).addKeyValue("model", model)
                    .log("cannot publish job: {}", failure.toString());
            failed(ErrorMapping.fromFailure(failure));
        }
    }

    private void timedOut() {
        if (end("timeout", null)) {
            LOG.atInfo().addKeyValue("jobId", jobId).addKeyValue("model", model).log("job timed out; cancelling");
            services.canceller().cancel(jobId, "timeout");
            failed(ErrorMapping.timeout(services.requestTimeout()));
        }
    }

    /** The client went away, or writing to it failed (any thread). */
    protected final void clientGone(Throwable cause) {
        if (end("client_gone", null)) {
            LOG.atInfo().addKeyValue("jobId", jobId).addKeyValue("model", model)
                    .log("client went away ({}); cancelling", cause.toString());
            services.canceller().cancel(jobId, "client disconnected");
            abandoned(cause);
        }
    }

    /**
     * Decides the end: true for exactly one caller.
     *
     * @param terminal the job's FINISH or ERROR, or null when the request ends otherwise
     */
    private boolean end(String outcome, Event terminal) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
        }
        services.pending().remove(jobId, this);
        ScheduledFuture<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        services.metrics().jobEnded(model, outcome, System.nanoTime() - startNanos);
        services.routing().ended(jobId, terminal);
        ending();
        answerStarted();
        return true;
    }

    protected final synchronized boolean isEnded() {
        return ended;
    }

    /** The board that ran (or runs) the job, once known. */
    protected final String worker() {
        return worker;
    }

    /** Whether the job's prompt opened a thinking block (its STARTED said so). */
    protected final boolean thinkingOpen() {
        return thinkingOpen;
    }

    protected final long delivered() {
        return cursor.delivered();
    }

    /** Called once the exchange waits for events (request thread). */
    protected void opened() {
    }

    /** Called once when the end is decided, before the end hook (any thread). */
    protected void ending() {
    }

    /**
     * Sends the text that {@link #text} queued since the last flush: after every event that is the last of its job
     * in the consumer's batch, so a stream writes once per batch. Events-consumer thread.
     */
    @Override
    public void flush() {
    }

    /**
     * New text (deduped), ending at code point {@code offset}; it may be queued until {@link #flush()}.
     * Events-consumer thread; not after the end.
     */
    protected abstract void text(String fresh, long offset);

    /** The job finished. Events-consumer thread; once, instead of the other end hooks. */
    protected abstract void finished(Event finish);

    /** The request failed with {@code error}. Any thread; once, instead of the other end hooks. */
    protected abstract void failed(ApiError error);

    /** The client is gone: complete the callback as failed. Any thread; once, instead of the other end hooks. */
    protected abstract void abandoned(Throwable cause);
}
