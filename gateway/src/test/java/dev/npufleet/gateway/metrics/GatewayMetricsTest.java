package dev.npufleet.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    @Test
    void shouldScrapeTheJvmsCollectionsAndMemoryBesideTheGatewaysMeters() {
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            // a collection is reported when the collector says it ended
            System.gc();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.scrape())
                    .contains("jvm_gc_pause_seconds_count{")
                    .contains("cause=\"System.gc()\"")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads ")
                    .contains("process_cpu_usage ")
                    .contains("gateway_streams_open "));
        }
    }
}
