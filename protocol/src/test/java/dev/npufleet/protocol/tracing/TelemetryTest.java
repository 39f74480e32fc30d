package dev.npufleet.protocol.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    @Test
    void shouldStayOffWithoutOtelVariables() {
        assertThat(Telemetry.switchedOn(Map.of())).isFalse();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_SERVICE_NAME", "gw", "OTEL_EXPORTER_OTLP_PROTOCOL",
                "http/protobuf"))).isFalse();
    }

    @Test
    void shouldSwitchOnForAnExporterOrAnOtlpEndpoint() {
        assertThat(Telemetry.switchedOn(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_TRACES_EXPORTER", "console"))).isTrue();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://collector:4318/v1/traces"))).isTrue();
    }

    @Test
    void shouldStayOffWhenTheExporterIsNoneOrTheSdkDisabled() {
        assertThat(Telemetry.switchedOn(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isFalse();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "otlp")))
                .isFalse();
        assertThat(Telemetry.switchedOn(Map.of("OTEL_SDK_DISABLED", "false", "OTEL_TRACES_EXPORTER", "otlp")))
                .isTrue();
    }

    @Test
    void shouldRecordNothingWhenOff() {
        try (Telemetry off = Telemetry.fromEnv(Map.of(), "npufleet-test", "t1")) {
            Span span = off.tracer("test").spanBuilder("x").startSpan();

            assertThat(off.recording()).isFalse();
            assertThat(span.isRecording()).isFalse();
        }
    }

    @Test
    void shouldBuildARecordingSdkWhenSwitchedOn() {
        // an endpoint where nothing listens: spans queue and are dropped, nothing waits on them
        try (Telemetry on = Telemetry.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
                "npufleet-test", "t1")) {
            Span span = on.tracer("test").spanBuilder("x").startSpan();
            span.end();

            assertThat(on.recording()).isTrue();
            assertThat(span.getSpanContext().isValid()).isTrue();
        }
    }

    @Test
    void shouldSendSpansOverOtlpHttpWithTheJdkClient() throws Exception {
        // Given a collector's OTLP/HTTP endpoint
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> received = new CopyOnWriteArrayList<>();
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + new String(body,
                    StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            // When a process traces to it and closes
            Telemetry on = Telemetry.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                    "http://127.0.0.1:" + collector.getAddress().getPort()), "npufleet-test", "gateway-7f3a");
            on.tracer("test").spanBuilder("npufleet.sent").startSpan().end();
            on.close();

            // Then the span went out as OTLP protobuf, with the service's name and the instance's id
            assertThat(received).singleElement().satisfies(r -> assertThat(r)
                    .startsWith("POST /v1/traces application/x-protobuf")
                    .contains("npufleet.sent").contains("npufleet-test").contains("gateway-7f3a"));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void shouldRefuseAnUnknownExporterNamingTheSettings() {
        assertThatThrownBy(() -> Telemetry.fromEnv(Map.of("OTEL_TRACES_EXPORTER", "zipkin-nope"), "svc", "t1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OTEL_");
    }

    @Test
    void shouldRefuseOtlpOverGrpcNamingTheVariable() {
        assertThatThrownBy(() -> Telemetry.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "svc", "t1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL=grpc");
    }
}
