package dev.npufleet.gateway.tracing;

import dev.npufleet.protocol.tracing.Telemetry;
import dev.npufleet.protocol.tracing.TraceHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Where a request's trace starts: the SERVER span of each API request, a child of the client's W3C
 * {@code traceparent} (a missing or malformed one starts a new trace, never an error), kept on the request for the
 * endpoints ({@link #of}) and ended when the response completes. Tracing off, no span is built; a client's valid
 * {@code traceparent} is still kept, so the job records pass it on. Immutable; Jetty's threads.
 */
public final class GatewayTracing {
    /** The tracer's scope name. */
    public static final String SCOPE = "dev.npufleet.gateway";
    /** Routes polled by machines, not worth a trace each. */
    private static final Set<String> UNTRACED = Set.of("health", "ready", "metrics", "ui", "unknown");
    private static final String ATTRIBUTE = RequestTrace.class.getName();

    private static final TextMapGetter<Request> HTTP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Request request) {
            return request.getHeaders().getFieldNamesCollection();
        }

        @Override
        public String get(Request request, String key) {
            return request == null ? null : request.getHeaders().get(key);
        }
    };

    private final Tracer tracer; // null: not recording

    public GatewayTracing(Telemetry telemetry) {
        this.tracer = telemetry.recording() ? telemetry.tracer(SCOPE) : null;
    }

    public static GatewayTracing off() {
        return new GatewayTracing(Telemetry.off());
    }

    /**
     * Starts {@code request}'s trace.
     *
     * @param route the path template ({@code /v1/jobs/{id}}), or null for a path no route serves
     * @param name the route's metrics name
     * @return the callback to complete instead of {@code callback}: it ends the trace first
     */
    public Callback begin(Request request, Response response, String route, String name, Callback callback) {
        if (UNTRACED.contains(name)) {
            return callback;
        }
        boolean sent = request.getHeaders().contains(TraceHeaders.TRACEPARENT);
        if (tracer == null && !sent) {
            return callback; // the common case with tracing off: nothing to keep, nothing to pass on
        }
        Context parent = sent ? TraceHeaders.propagator().extract(Context.root(), request, HTTP) : Context.root();
        if (tracer == null) {
            if (Span.fromContext(parent).getSpanContext().isValid()) {
                request.setAttribute(ATTRIBUTE, RequestTrace.passing(parent));
            }
            return callback;
        }
        String method = request.getMethod();
        Span server = tracer.spanBuilder(route == null ? method : method + " " + route).setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startedAt(request), TimeUnit.NANOSECONDS)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route == null ? "" : route)
                .setAttribute("url.path", Request.getPathInContext(request))
                .startSpan();
        RequestTrace trace = RequestTrace.recording(tracer, parent.with(server), server);
        request.setAttribute(ATTRIBUTE, trace);
        return new TracedCallback(callback, trace, response);
    }

    /** The trace of {@code request}: what {@link #begin} kept, or {@link RequestTrace#NONE}. Any thread. */
    public static RequestTrace of(Request request) {
        return request.getAttribute(ATTRIBUTE) instanceof RequestTrace trace ? trace : RequestTrace.NONE;
    }

    /** When the request's headers arrived, in epoch nanoseconds: the span covers what the client waits for. */
    private static long startedAt(Request request) {
        long sinceHeaders = Math.max(0, System.nanoTime() - request.getHeadersNanoTime());
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - sinceHeaders;
    }
}
