package dev.npufleet.protocol.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private static Context remote(TraceState state) {
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(TRACE_ID, SPAN_ID,
                TraceFlags.getSampled(), state)));
    }

    private static String header(Headers headers, String key) {
        return headers.lastHeader(key) == null ? null
                : new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTraceparentAndTracestateOfTheContext() {
        // Given a context with a sampled span and vendor state
        Headers headers = new RecordHeaders();

        // When it is injected into a record's headers
        TraceHeaders.inject(remote(TraceState.builder().put("vendor", "x1").build()), headers);

        // Then the headers hold the W3C form
        assertThat(header(headers, "traceparent")).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        assertThat(header(headers, "tracestate")).isEqualTo("vendor=x1");
    }

    @Test
    void shouldReadBackTheSameSpanContextAsARemoteParent() {
        Headers headers = new RecordHeaders();
        TraceHeaders.inject(remote(TraceState.builder().put("vendor", "x1").build()), headers);

        SpanContext read = Span.fromContext(TraceHeaders.extract(headers)).getSpanContext();

        assertThat(read.isValid()).isTrue();
        assertThat(read.isRemote()).isTrue();
        assertThat(read.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(read.getSpanId()).isEqualTo(SPAN_ID);
        assertThat(read.isSampled()).isTrue();
        assertThat(read.getTraceState().get("vendor")).isEqualTo("x1");
    }

    @Test
    void shouldReplaceAnEarlierTraceparentInsteadOfAddingASecond() {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", "00-11111111111111111111111111111111-2222222222222222-01".getBytes(
                StandardCharsets.UTF_8));

        TraceHeaders.inject(remote(TraceState.getDefault()), headers);

        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(header(headers, "traceparent")).contains(TRACE_ID);
    }

    @Test
    void shouldWriteNothingForAContextWithoutASpan() {
        Headers headers = new RecordHeaders();

        TraceHeaders.inject(Context.root(), headers);

        assertThat(headers.toArray()).isEmpty();
    }

    @Test
    void shouldReadNoParentFromARecordWithoutHeaders() {
        // an old gateway's job record: the worker starts a root span
        assertThat(Span.fromContext(TraceHeaders.extract(new RecordHeaders())).getSpanContext().isValid()).isFalse();
    }

    @Test
    void shouldReadNoParentFromMalformedTraceparents() {
        for (String bad : new String[] {"garbage", "00-" + TRACE_ID + "-" + SPAN_ID, "00-" + TRACE_ID.toUpperCase()
                + "-" + SPAN_ID + "-01", "00-00000000000000000000000000000000-" + SPAN_ID + "-01",
                "00-" + TRACE_ID + "-0000000000000000-01", "ff-" + TRACE_ID + "-" + SPAN_ID + "-01", ""}) {
            Headers headers = new RecordHeaders();
            headers.add("traceparent", bad.getBytes(StandardCharsets.UTF_8));

            assertThat(Span.fromContext(TraceHeaders.extract(headers)).getSpanContext().isValid())
                    .as("traceparent '%s'", bad).isFalse();
        }
    }

    @Test
    void shouldReadNoParentFromATraceparentHeaderWithoutValue() {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", null);

        assertThat(Span.fromContext(TraceHeaders.extract(headers)).getSpanContext().isValid()).isFalse();
    }
}
