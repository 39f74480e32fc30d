package dev.npufleet.protocol.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The trace context a job's records carry in their Kafka headers: W3C Trace Context, {@code traceparent} and
 * {@code tracestate} (UTF-8), as docs/PROTOCOL.md says. Always W3C, whatever {@code OTEL_PROPAGATORS} says: the
 * headers are part of the wire contract, read by other gateways, workers and any Kafka client. A header that is
 * missing or malformed reads as no context (a new trace starts), never as an error. Stateless; any thread.
 */
public final class TraceHeaders {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key); // one value per key: a reader takes the last one
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header h : headers) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header h = headers.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private TraceHeaders() {
    }

    /** The W3C propagator, for HTTP headers too (the gateway reads a client's {@code traceparent} with it). */
    public static TextMapPropagator propagator() {
        return W3C;
    }

    /** Writes {@code context}'s span context into {@code headers}; writes nothing when it holds no valid one. */
    public static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    /** The remote span context in {@code headers}, as the parent of what follows; {@link Context#root()} if none. */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, GETTER);
    }
}
