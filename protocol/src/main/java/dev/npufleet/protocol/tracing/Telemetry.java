package dev.npufleet.protocol.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's tracing: the OpenTelemetry API it records spans through, and, when the standard {@code OTEL_*}
 * variables switch it on ({@link #switchedOn}), the SDK behind it (built by the SDK's autoconfiguration: batch span
 * processor, OTLP over HTTP with the JDK's client, or the console exporter), which it owns and shuts down. Off, it is
 * the API's no-op: no SDK class loaded, no thread, nothing sent, and spans are not even built
 * ({@link #recording()} is false). Thread-safe; close once, after the components that record spans.
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    /** How long closing waits for the last spans to leave: a collector that is down must not hold up a shutdown. */
    private static final long SHUTDOWN_SECONDS = 2;
    private static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");

    private final OpenTelemetry api;
    private final OpenTelemetrySdk owned;
    private final boolean recording;

    private Telemetry(OpenTelemetry api, OpenTelemetrySdk owned, boolean recording) {
        this.api = Objects.requireNonNull(api, "api");
        this.owned = owned;
        this.recording = recording;
    }

    /** Tracing off: spans are not recorded; a trace context that comes in is still passed on (TraceHeaders). */
    public static Telemetry off() {
        return new Telemetry(OpenTelemetry.noop(), null, false);
    }

    /** Records through {@code api}, which the caller owns (a test's SDK with an in-memory exporter, an embedder's). */
    public static Telemetry of(OpenTelemetry api) {
        return new Telemetry(api, null, true);
    }

    /**
     * Tracing as {@code env} asks: off unless {@link #switchedOn}; on, an SDK configured from the {@code OTEL_*}
     * variables, exporting only traces (metrics are Micrometer's, logs SLF4J's), named {@code serviceName} unless
     * {@code OTEL_SERVICE_NAME} says otherwise, with {@code instanceId} as {@code service.instance.id}.
     *
     * @throws IllegalArgumentException when the {@code OTEL_*} variables are malformed (an unknown exporter)
     */
    public static Telemetry fromEnv(Map<String, String> env, String serviceName, String instanceId) {
        if (!switchedOn(env)) {
            LOG.atInfo().log("Tracing off (OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT switch it on)");
            return off();
        }
        requireHttp(env);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> properties(env, serviceName))
                    .addResourceCustomizer((resource, config) -> withInstance(resource, env, instanceId))
                    .disableShutdownHook() // closed by the process, after its last span
                    .build().getOpenTelemetrySdk();
            LOG.atInfo().log("Tracing on: exporter {}, endpoint {}, service {}",
                    value(env, "OTEL_TRACES_EXPORTER", "otlp"),
                    value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                            value(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")),
                    value(env, "OTEL_SERVICE_NAME", serviceName));
            return new Telemetry(sdk, sdk, true);
        } catch (ConfigurationException e) {
            String cause = e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")";
            throw new IllegalArgumentException("OTEL_* tracing settings: " + e.getMessage() + cause, e);
        }
    }

    /** OTLP over gRPC would need a second HTTP stack (OkHttp or grpc-java): refused by name, not deep in the SDK. */
    private static void requireHttp(Map<String, String> env) {
        for (String name : new String[] {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
            String protocol = value(env, name, null);
            if (protocol != null && !protocol.equals("http/protobuf") && !protocol.equals("http/json")) {
                throw new IllegalArgumentException(name + "=" + protocol
                        + ": npufleet sends OTLP over HTTP only (http/protobuf, port 4318)");
            }
        }
    }

    /**
     * Whether {@code env} switches tracing on: {@code OTEL_SDK_DISABLED=true} keeps it off; otherwise
     * {@code OTEL_TRACES_EXPORTER} set to anything but {@code none}, or an OTLP endpoint
     * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) with the exporter left unset.
     */
    public static boolean switchedOn(Map<String, String> env) {
        if ("true".equalsIgnoreCase(value(env, "OTEL_SDK_DISABLED", "false"))) {
            return false;
        }
        String exporter = value(env, "OTEL_TRACES_EXPORTER", null);
        if (exporter != null) {
            return !exporter.toLowerCase(Locale.ROOT).equals("none");
        }
        return value(env, "OTEL_EXPORTER_OTLP_ENDPOINT", null) != null
                || value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", null) != null;
    }

    /** Our defaults under the {@code OTEL_*} variables of {@code env}, as the SDK's property names. */
    private static Map<String, String> properties(Map<String, String> env, String serviceName) {
        Map<String, String> p = new HashMap<>();
        p.put("otel.service.name", serviceName);
        p.put("otel.exporter.otlp.protocol", "http/protobuf"); // the SDK's default, grpc, needs a second HTTP stack
        p.put("otel.metrics.exporter", "none"); // Micrometer's Prometheus endpoint has the metrics
        p.put("otel.logs.exporter", "none");
        env.forEach((name, v) -> {
            if (name.startsWith("OTEL_") && v != null && !v.isBlank()) {
                p.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), v.strip());
            }
        });
        return p;
    }

    /**
     * Names the instance as the fleet does (the SDK would draw a random id per start), unless
     * {@code OTEL_RESOURCE_ATTRIBUTES} names it.
     */
    private static Resource withInstance(Resource resource, Map<String, String> env, String instanceId) {
        if (instanceId == null || value(env, "OTEL_RESOURCE_ATTRIBUTES", "").contains(SERVICE_INSTANCE_ID.getKey())) {
            return resource;
        }
        return resource.merge(Resource.create(Attributes.of(SERVICE_INSTANCE_ID, instanceId)));
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    /** Whether spans are recorded: false when off, so a caller can skip building them at all. */
    public boolean recording() {
        return recording;
    }

    /** The tracer of one component ({@code dev.npufleet.gateway}, {@code dev.npufleet.worker}). */
    public Tracer tracer(String scope) {
        return api.getTracer(scope);
    }

    /** Flushes and stops the SDK it built (bounded); a no-op otherwise. Idempotent. */
    @Override
    public void close() {
        if (owned != null) {
            owned.shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        }
    }
}
