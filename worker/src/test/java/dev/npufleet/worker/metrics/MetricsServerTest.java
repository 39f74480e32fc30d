package dev.npufleet.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeTheWorkerMetricsInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerMetrics metrics = new WorkerMetrics(registry, "board-1", "tiny");
        metrics.job(WorkerMetrics.Outcome.FINISHED);
        metrics.ttft(120);
        metrics.cacheUse(true);
        metrics.rates(600, 30);

        try (MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            HttpResponse<String> r = get(server, "/metrics");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("npufleet_worker_jobs_total{board=\"board-1\",model=\"tiny\",outcome=\"finished\"} 1.0")
                    .contains("npufleet_worker_ttft_seconds_count{board=\"board-1\",model=\"tiny\"} 1")
                    .contains("npufleet_worker_cache_hits_total{board=\"board-1\",model=\"tiny\"} 1.0")
                    .contains("npufleet_worker_decode_tokens_per_second_sum{board=\"board-1\",model=\"tiny\"} 30.0");
        }
    }

    @Test
    void shouldServeTheJvmsCollectionsAndMemoryBesideTheWorkersMeters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (AutoCloseable jvm = WorkerMetrics.bindJvm(registry);
                MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            // a collection is reported when the collector says it ended
            System.gc();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(server, "/metrics").body())
                    .contains("jvm_gc_pause_seconds_count{")
                    .contains("cause=\"System.gc()\"")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads ")
                    .contains("process_cpu_usage "));
        }
    }

    @Test
    void shouldReportHealthFromTheWorkerState() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (MetricsServer server = MetricsServer.start(0,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), healthy::get)) {
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            healthy.set(false);
            assertThat(get(server, "/health").statusCode()).isEqualTo(503);
        }
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
