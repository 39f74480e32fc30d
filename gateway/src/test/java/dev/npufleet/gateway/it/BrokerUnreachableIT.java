package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A gateway whose broker is not there: it starts, says so on /health, and refuses work quickly with 503. */
class BrokerUnreachableIT {
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway = GatewayUnderTest.start("127.0.0.1:" + closedPort, "down.", Map.of("NPUFLEET_KAFKA_TIMEOUT_MS", "1000"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void shouldStartAndReportTheBrokerOnHealth() throws Exception {
        HttpResponse<String> response = gateway.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JsonCodec.mapper().readTree(response.body());
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("broker").asText()).isIn("unknown", "down");
        assertThat(health.path("events").asText()).isEqualTo("connecting");
        assertThat(gateway.get("/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldAnswerJobsWith503WithinSeconds() throws Exception {
        long start = System.nanoTime();

        HttpResponse<String> chat = gateway.send("POST", "/v1/chat/completions",
                "{\"model\":\"it-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        HttpResponse<String> cache = gateway.send("POST", "/v1/cache/it-model", "{\"cache_name\":\"c\",\"prompt\":\"x\"}");

        assertThat(chat.statusCode()).isEqualTo(503);
        assertThat(JsonCodec.mapper().readTree(chat.body()).at("/error/code").asText()).isEqualTo("broker_unavailable");
        assertThat(cache.statusCode()).isEqualTo(503);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }
}
