package dev.npufleet.worker.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.tracing.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final WorkerTracing tracing = new WorkerTracing(Telemetry.of(sdk), "board-1");

    @AfterEach
    void close() {
        sdk.close();
    }

    private static Job job() {
        return new Job(Protocol.VERSION, JobIds.newId(), "m", JobKind.CHAT, List.of(ChatMessage.user("hi")), null,
                null, null, "npu.events", 1, 0);
    }

    private static ConsumerRecord<String, byte[]> record(String traceparent) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("npu.jobs.m", 3, 42L, "key", new byte[0]);
        if (traceparent != null) {
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private SpanData named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private static void run(JobTrace trace) {
        trace.prefilling(1);
        trace.firstToken();
        trace.firstToken(); // every later token reports nothing new
        trace.generated(7);
        trace.end("DONE", null);
    }

    @Test
    void shouldContinueTheRecordsTraceWithTheJobAndItsPhases() {
        // Given a job record carrying the gateway's context
        JobTrace trace = tracing.start(record("00-" + TRACE_ID + "-" + SPAN_ID + "-01"), job());

        // When the job runs through prefill and decode and its record settles
        run(trace);

        // Then the job span is the remote context's child, and the phases are the job span's
        SpanData job = named("npufleet.job");
        assertThat(job.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(job.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(job.getParentSpanId()).isEqualTo(SPAN_ID);
        assertThat(named("npufleet.prefill").getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(named("npufleet.decode").getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(spans.getFinishedSpanItems()).hasSize(3);
        // And the events carry the job span's context
        assertThat(Span.fromContext(trace.context()).getSpanContext().getSpanId()).isEqualTo(job.getSpanId());
    }

    @Test
    void shouldRecordTheWaitFromThePollToTheSlotUnderTheJob() {
        // Given a record polled 30 ms before it takes the slot
        JobTrace trace = tracing.start(record(null), job(), System.nanoTime() - 30_000_000L);
        run(trace);

        // Then the job's span starts at the poll, with a wait span of at least that long first under it
        SpanData wait = named("npufleet.wait");
        SpanData job = named("npufleet.job");
        assertThat(wait.getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(wait.getStartEpochNanos()).isEqualTo(job.getStartEpochNanos());
        assertThat(wait.getEndEpochNanos() - wait.getStartEpochNanos()).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(named("npufleet.prefill").getStartEpochNanos()).isGreaterThanOrEqualTo(wait.getEndEpochNanos());
    }

    @Test
    void shouldStartARootSpanForARecordWithoutHeaders() {
        // an old gateway's job record
        run(tracing.start(record(null), job()));

        SpanData job = named("npufleet.job");
        assertThat(job.getParentSpanContext().isValid()).isFalse();
        assertThat(named("npufleet.decode").getTraceId()).isEqualTo(job.getTraceId());
    }

    @Test
    void shouldStartARootSpanForAMalformedTraceparent() {
        run(tracing.start(record("00-xyz-" + SPAN_ID + "-01"), job()));

        assertThat(named("npufleet.job").getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void shouldEndAnOpenPhaseAndMarkTheJobFailedWhenItsEventsCannotBeDelivered() {
        JobTrace trace = tracing.start(record(null), job());
        trace.prefilling(1);

        trace.end(null, new IllegalStateException("broker gone"));
        trace.end("DONE", null); // a second report changes nothing

        assertThat(named("npufleet.prefill")).isNotNull();
        assertThat(named("npufleet.job").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(spans.getFinishedSpanItems()).hasSize(2);
    }

    @Test
    void shouldPassTheRecordsContextOnWithoutRecordingWhenOff() {
        JobTrace trace = WorkerTracing.off().start(record("00-" + TRACE_ID + "-" + SPAN_ID + "-01"), job());
        run(trace);

        assertThat(Span.fromContext(trace.context()).getSpanContext().getSpanId()).isEqualTo(SPAN_ID);
        assertThat(WorkerTracing.off().start(record(null), job())).isSameAs(JobTrace.NONE);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
