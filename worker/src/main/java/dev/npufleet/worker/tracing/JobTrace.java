package dev.npufleet.worker.tracing;

import static dev.npufleet.protocol.tracing.TraceAttributes.JOB_ID;
import static dev.npufleet.protocol.tracing.TraceAttributes.MODEL;
import static dev.npufleet.protocol.tracing.TraceAttributes.WORKER;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One job's trace on the worker: the job's span ({@code npufleet.job}, whose context every event of the job carries
 * in its headers, {@link #context()}), and its two phases on the board, {@code npufleet.prefill} (the runtime
 * started → its first token) and {@code npufleet.decode} (first token → the runtime returned). Without tracing it
 * records nothing and passes the record's context on. Thread-safe: the job thread starts and ends the phases, the
 * runtime's token thread reports the first token, and the job's last acknowledgement ends the job's span.
 */
public final class JobTrace {
    /** No trace: events carry no trace headers; every report is ignored. */
    public static final JobTrace NONE = new JobTrace(null, Context.root(), null);


    private final Tracer tracer; // null: nothing recorded
    private final Context context;
    private final Span job;
    private Span prefill; // guarded by this
    private Span decode; // guarded by this
    private boolean ended; // guarded by this

    private JobTrace(Tracer tracer, Context context, Span job) {
        this.tracer = tracer;
        this.context = context;
        this.job = job;
    }

    static JobTrace recording(Tracer tracer, Context context, Span job) {
        return new JobTrace(tracer, context, job);
    }

    /** Tracing off, but the record carried a context: the job's events carry it on. */
    static JobTrace passing(Context record) {
        return new JobTrace(null, record, null);
    }

    /** The context the job's events carry in their headers. */
    public Context context() {
        return context;
    }

    /** The runtime starts on the prompt. Job thread. */
    public synchronized void prefilling(int attempt) {
        if (tracer != null && prefill == null && !ended) {
            job.setAttribute("npufleet.attempt", attempt);
            prefill = tracer.spanBuilder("npufleet.prefill").setParent(context).startSpan();
        }
    }

    /** The runtime's first token: prefill ends, decode starts. The runtime's token thread; once counts. */
    public synchronized void firstToken() {
        if (prefill != null && decode == null && !ended) {
            prefill.end();
            decode = tracer.spanBuilder("npufleet.decode").setParent(context).startSpan();
        }
    }

    /** The runtime returned after {@code tokens} generated tokens: the phase running ends. Job thread. */
    public synchronized void generated(int tokens) {
        if (prefill == null || ended) {
            return;
        }
        if (decode == null) {
            prefill.end(); // no token came (aborted, or nothing to generate)
        } else {
            decode.setAttribute("npufleet.tokens", tokens);
            decode.end();
        }
        prefill = null;
        decode = null;
    }

    /** The job ended with an ERROR event ({@code code}): the job's span is marked failed. Job thread. */
    public void failed(String code) {
        if (job != null) {
            job.setAttribute("npufleet.error.code", code);
            job.setStatus(StatusCode.ERROR, code);
        }
    }

    /**
     * The job's record is settled: its last event acknowledged ({@code failure} null), or not deliverable. Ends the
     * job's span, and a phase a failure left open. Any thread; once counts.
     *
     * @param outcome what became of the record (DONE, ABANDONED), or null
     */
    public void end(String outcome, Throwable failure) {
        synchronized (this) {
            if (tracer == null || ended) {
                return;
            }
            ended = true;
            if (decode != null) {
                decode.end();
            } else if (prefill != null) {
                prefill.end();
            }
        }
        if (outcome != null) {
            job.setAttribute("npufleet.outcome", outcome);
        }
        if (failure != null) {
            job.recordException(failure);
            job.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        job.end();
    }
}
