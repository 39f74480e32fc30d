package dev.npufleet.gateway.tracing;

import static dev.npufleet.protocol.tracing.TraceAttributes.JOB_ID;
import static dev.npufleet.protocol.tracing.TraceAttributes.MODEL;
import static dev.npufleet.protocol.tracing.TraceAttributes.WORKER;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One request's trace on the gateway: its SERVER span, whose context the request's job records carry
 * ({@link #context()}), and the two spans of a job it waits on, both measured on this host's clock:
 * {@code npufleet.queue} (the broker acknowledged the job → its STARTED arrived) and {@code npufleet.relay} (its
 * first chunk arrived → the response's last byte was written). Without tracing it records nothing, and only passes a
 * client's context on. Thread-safe: the producer's I/O thread, the events consumer and Jetty's threads report here.
 */
public final class RequestTrace {
    /** No trace: the context is empty (a job record then carries no trace headers) and every report is ignored. */
    public static final RequestTrace NONE = new RequestTrace(null, Context.root(), null);


    private final Tracer tracer; // null: nothing recorded
    private final Context context;
    private final Span server;
    private Span queue; // guarded by this
    private Span relay; // guarded by this
    private boolean started; // guarded by this
    private boolean ended; // guarded by this

    private RequestTrace(Tracer tracer, Context context, Span server) {
        this.tracer = tracer;
        this.context = context;
        this.server = server;
    }

    /** A request traced here: {@code context} holds its SERVER span. */
    static RequestTrace recording(Tracer tracer, Context context, Span server) {
        return new RequestTrace(tracer, context, server);
    }

    /** Tracing off, but the client sent a context: passed on unchanged to the request's jobs. */
    static RequestTrace passing(Context client) {
        return new RequestTrace(null, client, null);
    }

    /** The context a job of this request carries in its record's headers. */
    public Context context() {
        return context;
    }

    /** Names the job the request made (span attributes). */
    public void job(String jobId, String model) {
        if (server != null) {
            server.setAttribute(JOB_ID, jobId);
            server.setAttribute(MODEL, model);
        }
    }

    /** The broker acknowledged the request's job: the queue wait starts. Producer's I/O thread. */
    public synchronized void acknowledged() {
        if (tracer != null && !started && !ended && queue == null) {
            queue = tracer.spanBuilder("npufleet.queue").setParent(context).startSpan();
        }
    }

    /** The job's STARTED arrived from {@code worker}: the queue wait ends. Events-consumer thread. */
    public synchronized void started(String worker) {
        if (tracer == null || started) {
            return;
        }
        started = true;
        if (worker != null) {
            server.setAttribute(WORKER, worker);
        }
        if (queue != null) {
            queue.setAttribute(WORKER, worker == null ? "" : worker);
            queue.end();
        }
    }

    /** Text of the job arrived: the relay starts with the first. Events-consumer thread. */
    public void relaying() {
        if (tracer == null) {
            return;
        }
        synchronized (this) {
            if (relay == null && !ended) {
                relay = tracer.spanBuilder("npufleet.relay").setParent(context).startSpan();
            }
        }
    }

    /** The response completed with {@code status} ({@code failure}: the client went away): the trace ends. Once. */
    void end(int status, Throwable failure) {
        synchronized (this) {
            if (tracer == null || ended) {
                return;
            }
            ended = true;
            if (queue != null && !started) {
                queue.end(); // the request ended before its job started (a timeout, a hang-up)
            }
            if (relay != null) {
                relay.end();
            }
        }
        if (status > 0) {
            server.setAttribute("http.response.status_code", status);
        }
        if (failure != null) {
            server.recordException(failure);
            server.setStatus(StatusCode.ERROR, "the response failed: " + failure.getClass().getSimpleName());
        } else if (status >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }
}
