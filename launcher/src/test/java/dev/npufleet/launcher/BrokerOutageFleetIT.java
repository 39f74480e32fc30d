package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.RestartableKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fleet through a broker outage in the middle of an answer: the gateway in this JVM, a worker process, a
 * real broker stopped and started again on the same data directory. The gateway says it is not ready while the
 * broker is away, the worker reports the outage, neither needs a restart, the streamed answer arrives whole and in
 * order (equal to a reference run: no hole), and an asynchronous job accepted before the outage completes after it.
 */
class BrokerOutageFleetIT {

    private static final int MAX_TOKENS = 120;

    @Test
    void shouldDeliverTheWholeAnswerAndCompleteAcceptedJobsAcrossABrokerOutage(@TempDir Path dir) throws Exception {
        int metricsPort = freePort();
        try (RestartableKafka kafka = new RestartableKafka(dir.resolve("kafka")).start();
                TestFleet fleet = new TestFleet(kafka.bootstrapServers(), "outage.", dir.resolve("fleet"))) {
            // Slow tokens so that the outage falls mid-answer; a short delivery timeout keeps the test short.
            fleet.startWorker("board-a", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=30",
                    "NPUFLEET_METRICS_PORT", Integer.toString(metricsPort),
                    "NPUFLEET_KAFKA_REQUEST_TIMEOUT_MS", "1000", "NPUFLEET_KAFKA_DELIVERY_TIMEOUT_MS", "2000"));
            fleet.awaitWorkers();
            String reference = Http.json(Http.post(fleet.baseUrl() + "/v1/chat/completions", body(false)).body())
                    .path("choices").path(0).path("message").path("content").asText();
            assertThat(reference.codePointCount(0, reference.length())).isGreaterThan(40);

            // Given a streamed request under way and an asynchronous job accepted
            List<String> data = new CopyOnWriteArrayList<>();
            HttpResponse<Stream<String>> stream = Http.postStreaming(fleet.baseUrl() + "/v1/chat/completions",
                    body(true));
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> stream.body()
                    .filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).forEach(data::add));
            HttpResponse<String> accepted = Http.post(fleet.baseUrl() + "/v1/jobs",
                    "{\"endpoint\":\"/v1/chat/completions\",\"body\":" + body(false) + "}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String asyncId = Http.json(accepted.body()).path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> data.size() >= 3);

            // When the broker goes away long enough for the worker's sends to fail, then comes back on its data
            kafka.stop();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> ready = Http.get(fleet.baseUrl() + "/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Http.json(ready.body()).path("broker").asText()).isEqualTo("down");
                assertThat(Http.json(ready.body()).path("broker_error").asText()).isNotEmpty();
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> brokerUp(metricsPort) == 0);
            kafka.start();

            // Then both recover by themselves, the stream is the whole answer in order, and the async job completes
            read.get(120, TimeUnit.SECONDS);
            assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
            assertThat(Http.streamedContent(data)).isEqualTo(reference);
            assertThat(String.join("\n", data)).doesNotContain("\"error\"");
            await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(fleet.baseUrl() + "/ready").statusCode() == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> brokerUp(metricsPort) == 1);
            JsonNode job = awaitEnded(fleet, asyncId);
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
            assertThat(job.at("/response/choices/0/message/content").asText()).isEqualTo(reference);
            assertThat(fleet.worker("board-a").isAlive()).isTrue();
        }
    }

    private static JsonNode awaitEnded(TestFleet fleet, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            last[0] = Http.json(Http.get(fleet.baseUrl() + "/v1/jobs/" + id).body());
            String status = last[0].path("status").asText();
            return !status.equals("queued") && !status.equals("in_progress");
        });
        return last[0];
    }

    /** The worker's {@code npufleet_worker_broker_up} gauge, or -1 while its metrics cannot be read. */
    private static double brokerUp(int port) {
        try {
            String text = Http.get("http://127.0.0.1:" + port + "/metrics").body();
            return text.lines().filter(l -> l.startsWith("npufleet_worker_broker_up"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String body(boolean stream) {
        return """
                {"model":"%s","stream":%s,"max_tokens":%d,"temperature":0,
                 "messages":[{"role":"user","content":"Tell me a long story about boards."}]}
                """.formatted(TestFleet.MODEL, stream, MAX_TOKENS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
