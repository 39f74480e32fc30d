package dev.npufleet.worker.tracing;

import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.tracing.Telemetry;
import dev.npufleet.protocol.tracing.TraceAttributes;
import dev.npufleet.protocol.tracing.TraceHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a job's trace continues on the worker: the job record's {@code traceparent} (the gateway's request) is the
 * parent of the job's span, {@code npufleet.job} (a record from a gateway without trace headers starts a new trace).
 * Tracing off, no span is built, and a record's context is passed on to the job's events as it came. Immutable; the
 * consumer thread.
 */
public final class WorkerTracing {
    /** The tracer's scope name. */
    public static final String SCOPE = "dev.npufleet.worker";

    private final Tracer tracer; // null: not recording
    private final String worker;

    public WorkerTracing(Telemetry telemetry, String worker) {
        this.tracer = telemetry.recording() ? telemetry.tracer(SCOPE) : null;
        this.worker = worker;
    }

    public static WorkerTracing off() {
        return new WorkerTracing(Telemetry.off(), null);
    }

    /** As {@link #start(ConsumerRecord, Job, long)}, the poll's time unknown. */
    public JobTrace start(ConsumerRecord<String, byte[]> record, Job job) {
        return start(record, job, 0);
    }

    /**
     * Starts the trace of {@code job}, read from {@code record}, as it takes the slot: its span starts at the record's
     * poll, and its first child, {@code npufleet.wait}, covers the wait from the poll to now (this host's clock).
     * Consumer thread.
     *
     * @param polledNanos when the poll returned the record ({@link System#nanoTime}); 0: unknown, no wait span
     */
    public JobTrace start(ConsumerRecord<String, byte[]> record, Job job, long polledNanos) {
        Context parent = TraceHeaders.extract(record.headers());
        if (tracer == null) {
            return Span.fromContext(parent).getSpanContext().isValid() ? JobTrace.passing(parent) : JobTrace.NONE;
        }
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long polled = polledNanos > 0 ? now - Math.max(0, System.nanoTime() - polledNanos) : now;
        Span span = tracer.spanBuilder("npufleet.job").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(polled, TimeUnit.NANOSECONDS)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute(TraceAttributes.JOB_ID, job.id())
                .setAttribute(TraceAttributes.MODEL, job.model())
                .setAttribute("npufleet.job.kind", job.kind().name())
                .setAttribute(TraceAttributes.WORKER, worker == null ? "" : worker)
                .startSpan();
        Context context = parent.with(span);
        if (polledNanos > 0) {
            tracer.spanBuilder("npufleet.wait").setParent(context).setStartTimestamp(polled, TimeUnit.NANOSECONDS)
                    .startSpan().end(now, TimeUnit.NANOSECONDS);
        }
        return JobTrace.recording(tracer, context, span);
    }
}
