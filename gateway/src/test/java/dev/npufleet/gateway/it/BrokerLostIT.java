package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.EmbeddedKafka;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose broker dies under it (its own embedded broker, not the shared one): job requests
 * fail with 503 within about the Kafka timeout instead of hanging, and {@code /health} notices.
 */
class BrokerLostIT {

    @Test
    void shouldAnswer503WithinTheKafkaTimeoutOnceTheBrokerIsGone() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (GatewayUnderTest gateway = GatewayUnderTest.start(kafka.bootstrapServers(), "lost.",
                Map.of("NPUFLEET_KAFKA_TIMEOUT_MS", "2000")).awaitReady()) {
            kafka.close();

            long start = System.nanoTime();
            HttpResponse<String> response = gateway.send("POST", "/v1/chat/completions",
                    "{\"model\":\"it-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/code").asText())
                    .isEqualTo("broker_unavailable");
            assertThat(millis).isLessThan(10_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode health = JsonCodec.mapper().readTree(gateway.get("/health").body());
                return health.path("broker").asText().equals("down")
                        && health.path("status").asText().equals("degraded");
            });
        } finally {
            kafka.close();
        }
    }
}
