package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.EmbeddedKafka;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose broker dies under it (its own embedded broker, not the shared one): job requests
 * fail with 503 within about the Kafka timeout instead of hanging, and {@code /health} notices; a resumed stream
 * that follows a job ends with an error event, not silence.
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

    @Test
    void shouldEndAFollowedStreamWithAnErrorEventOnceTheBrokerIsGone() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try (GatewayUnderTest gateway = GatewayUnderTest.start(kafka.bootstrapServers(), "lostfollow.",
                Map.of("NPUFLEET_KAFKA_TIMEOUT_MS", "2000")).awaitReady()) {
            ScriptedWorker worker = new ScriptedWorker(kafka.bootstrapServers(), gateway.topics(),
                    GatewayUnderTest.MODEL);
            HttpResponse<String> accepted = gateway.send("POST", "/v1/jobs", """
                    {"endpoint":"/v1/completions","body":{"model":"it-model","prompt":"Once upon"}}""");
            assertThat(accepted.statusCode()).isEqualTo(202);
            Job job = worker.nextJob(Duration.ofSeconds(30)).job();
            worker.send(job, Event.started(job.id(), ScriptedWorker.BOARD, 1, null));
            worker.send(job, Event.chunk(job.id(), ScriptedWorker.BOARD, 1, 0, "Hello"));
            HttpResponse<Stream<String>> resumed = gateway.client().send(HttpRequest.newBuilder(
                    gateway.uri("/v1/jobs/" + job.id() + "/events")).timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = resumed.body().iterator();
            List<String> data = new ArrayList<>();
            while (data.stream().noneMatch(d -> d.contains("Hello")) && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }

            worker.close();
            kafka.close();
            lines.forEachRemaining(line -> {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            });

            assertThat(resumed.statusCode()).isEqualTo(200);
            assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
            JsonNode error = JsonCodec.mapper().readTree(data.get(data.size() - 2));
            assertThat(error.at("/error/code").asText()).isEqualTo("broker_unavailable");
            assertThat(error.at("/error/message").asText()).contains("Last-Event-ID: 5");
        } finally {
            kafka.close();
        }
    }
}
