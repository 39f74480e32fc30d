package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.gateway.Gateway;
import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.tracing.Telemetry;
import dev.npufleet.worker.Worker;
import dev.npufleet.worker.WorkerConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's trace across Kafka, for real: a gateway and a worker on the simulator in this JVM, both recording into one
 * in-memory exporter, on the test broker. A chat completion's spans form one trace from the client's
 * {@code traceparent} through the gateway's request, the worker's job and the board's prefill and decode, and the
 * job's events carry the worker's context in their record headers.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {
    private static final String MODEL = "trace-sim";
    private static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CLIENT_SPAN = "b7ad6b7169203331";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;
    private Worker worker;
    private Gateway gateway;
    /** A second gateway with tracing off, on the same fleet. */
    private Gateway untraced;
    private TraceHeadersTap headers;

    @BeforeAll
    void start(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        String prefix = KafkaTestBroker.uniqueName("trace") + ".";
        Path model = SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
        worker = Worker.start(WorkerConfig.fromEnv(workerEnv(broker.bootstrapServers(), prefix, model,
                Files.createDirectories(dir.resolve("board")))), Telemetry.of(sdk));
        Map<String, String> env = Map.of("NPUFLEET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "NPUFLEET_HTTP_PORT", "0", "NPUFLEET_HTTP_HOST", "127.0.0.1", "NPUFLEET_MODELS", MODEL,
                "NPUFLEET_TOPIC_PREFIX", prefix, "NPUFLEET_JOB_PARTITIONS", "2",
                "NPUFLEET_REQUEST_TIMEOUT_MS", "60000");
        gateway = Gateway.start(GatewayConfig.fromEnv(env), Telemetry.of(sdk));
        untraced = Gateway.start(GatewayConfig.fromEnv(env), Telemetry.off());
        FleetReadiness.awaitGatewaySees(gateway.port(), Set.of("board-t"), Duration.ofSeconds(60), () -> true);
        FleetReadiness.awaitGatewaySees(untraced.port(), Set.of("board-t"), Duration.ofSeconds(60), () -> true);
        headers = new TraceHeadersTap(broker.bootstrapServers(), new Topics(prefix).events());
    }

    private static Map<String, String> workerEnv(String bootstrap, String prefix, Path model, Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", bootstrap);
        env.put("NPUFLEET_WORKER_ID", "board-t");
        env.put("NPUFLEET_MODEL", MODEL);
        env.put("NPUFLEET_MODEL_PATH", model.toString());
        env.put("NPUFLEET_SIM_MODEL_PRESET", "tiny");
        env.put("NPUFLEET_TOPIC_PREFIX", prefix);
        env.put("NPUFLEET_CACHE_DIR", home.resolve("cache").toString());
        env.put("NPUFLEET_STATE_DIR", home.resolve("state").toString());
        env.put("NPUFLEET_JOB_PARTITIONS", "2");
        env.put("NPUFLEET_HEARTBEAT_MS", "300");
        env.put("NPUFLEET_SESSION_TIMEOUT_MS", "6000");
        env.put("NPUFLEET_DRAIN_TIMEOUT_MS", "3000");
        return env;
    }

    @AfterAll
    void stop() {
        if (headers != null) {
            headers.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (untraced != null) {
            untraced.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (sdk != null) {
            sdk.close();
        }
    }

    private HttpResponse<String> post(String path, String body, String traceparent) throws Exception {
        return post(gateway, path, body, traceparent);
    }

    private static HttpResponse<String> post(Gateway to, String path, String body, String traceparent)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(boolean stream) {
        return """
                {"model":"%s","stream":%s,"max_tokens":12,"temperature":0,
                 "messages":[{"role":"user","content":"Trace this answer."}]}""".formatted(MODEL, stream);
    }

    /** The finished spans of {@code traceId}, once {@code names} are all there. */
    private List<SpanData> trace(String traceId, String... names) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList(),
                found -> found.stream().map(SpanData::getName).toList().containsAll(List.of(names)));
    }

    private static SpanData named(List<SpanData> trace, String name) {
        List<SpanData> all = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(all).as("spans named %s", name).hasSize(1);
        return all.get(0);
    }

    @Test
    void shouldTraceAStreamedChatCompletionUnderTheClientsTraceparent() throws Exception {
        // Given a client in a trace of its own
        String traceparent = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

        // When it streams a chat completion
        HttpResponse<String> response = post("/v1/chat/completions", chat(true), traceparent);
        assertThat(response.statusCode()).isEqualTo(200);
        String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();

        // Then every span of the job is in the client's trace, in the expected parent chain
        List<SpanData> trace = trace(CLIENT_TRACE, "POST /v1/chat/completions", "npufleet.queue", "npufleet.relay",
                "npufleet.job", "npufleet.wait", "npufleet.prefill", "npufleet.decode");
        SpanData server = named(trace, "POST /v1/chat/completions");
        SpanData job = named(trace, "npufleet.job");
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(server.getAttributes().asMap().toString()).contains(jobId);
        assertThat(named(trace, "npufleet.queue").getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(named(trace, "npufleet.relay").getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(job.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(job.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(job.getParentSpanContext().isRemote()).isTrue();
        assertThat(named(trace, "npufleet.wait").getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(named(trace, "npufleet.prefill").getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(named(trace, "npufleet.decode").getParentSpanId()).isEqualTo(job.getSpanId());
        // the phases follow each other: decode starts when prefill ends (the first token)
        assertThat(named(trace, "npufleet.decode").getStartEpochNanos())
                .isGreaterThanOrEqualTo(named(trace, "npufleet.prefill").getEndEpochNanos());

        // And every event record of the job carries the worker's context: the job span
        List<String> parents = headers.awaitEnd(jobId);
        assertThat(parents).isNotEmpty().allSatisfy(tp ->
                assertThat(tp).isEqualTo("00-" + CLIENT_TRACE + "-" + job.getSpanId() + "-01"));
    }

    @Test
    void shouldStartANewTraceForARequestWithoutTraceparent() throws Exception {
        // When a client without a trace asks for a whole (not streamed) answer
        HttpResponse<String> response = post("/v1/chat/completions", chat(false), null);
        assertThat(response.statusCode()).isEqualTo(200);
        String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();

        // Then the gateway's request span is a root, and the worker's job continues its trace
        SpanData server = serverSpanOf(jobId);
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        List<SpanData> trace = trace(server.getTraceId(), "npufleet.job", "npufleet.prefill", "npufleet.decode");
        assertThat(named(trace, "npufleet.job").getParentSpanId()).isEqualTo(server.getSpanId());
    }

    @Test
    void shouldStartANewTraceForAMalformedTraceparentWithoutAnError() throws Exception {
        // When the client's traceparent cannot be read
        HttpResponse<String> response = post("/v1/chat/completions", chat(false), "00-not-a-trace-01");

        // Then the request is answered as any other, in a trace of its own
        assertThat(response.statusCode()).isEqualTo(200);
        SpanData server = serverSpanOf(response.headers().firstValue("x-npufleet-job-id").orElseThrow());
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(named(trace(server.getTraceId(), "npufleet.job"), "npufleet.job").getParentSpanId())
                .isEqualTo(server.getSpanId());
    }

    @Test
    void shouldCarryAnAsynchronousJobsTraceInItsRecord() throws Exception {
        // When a job is submitted to run later
        String traceparent = "00-" + "1bf92f3577b34da6a3ce929d0e0e4736" + "-" + CLIENT_SPAN + "-01";
        HttpResponse<String> response = post("/v1/jobs", """
                {"endpoint":"/v1/chat/completions","body":%s}""".formatted(chat(false)), traceparent);
        assertThat(response.statusCode()).isEqualTo(202);

        // Then the worker's job span is a child of the submitting request's span, in the client's trace
        List<SpanData> trace = trace("1bf92f3577b34da6a3ce929d0e0e4736", "POST /v1/jobs", "npufleet.job",
                "npufleet.decode");
        assertThat(named(trace, "npufleet.job").getParentSpanId())
                .isEqualTo(named(trace, "POST /v1/jobs").getSpanId());
    }

    @Test
    void shouldPassTheClientsTraceOnThroughAGatewayWithTracingOff() throws Exception {
        // When a client in a trace asks a gateway that does not trace
        String traceId = "2bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = post(untraced, "/v1/chat/completions", chat(false),
                "00-" + traceId + "-" + CLIENT_SPAN + "-01");
        assertThat(response.statusCode()).isEqualTo(200);

        // Then the gateway records nothing, and the worker's job span is a child of the client's own span
        SpanData job = named(trace(traceId, "npufleet.job", "npufleet.decode"), "npufleet.job");
        assertThat(job.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getTraceId().equals(traceId)
                && s.getKind() == SpanKind.SERVER);
    }

    private SpanData serverSpanOf(String jobId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && jobId.equals(s.getAttributes().asMap().entrySet()
                        .stream().filter(e -> e.getKey().getKey().equals("npufleet.job.id"))
                        .map(e -> String.valueOf(e.getValue())).findFirst().orElse(null)))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
    }
}
