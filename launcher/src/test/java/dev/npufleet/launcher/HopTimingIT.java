package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.gateway.api.HopReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-hop timing for real: HTTP → gateway → Kafka → a worker process on the simulator → Kafka → gateway, a client
 * that asks ({@code X-Npufleet-Timing: 1}) gets every hop, each measured on one host, and the parts fit the totals.
 * Orders and sums only: never a duration's size.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HopTimingIT {
    private static final List<String> PATH = List.of("publish", "kafka", "wait", "first_token", "chunk");
    /** Each hop is rounded to the microsecond on its own: sums may differ by a few of them. */
    private static final double ROUNDING = 0.01;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestFleet fleet;

    @BeforeAll
    void startFleet(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("hops") + ".", dir);
        fleet.startWorker("board-h", Map.of());
        fleet.awaitWorkers();
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldTellAStreamingClientThatAsksEveryHopAndTheyAddUpToTheFirstByte() throws Exception {
        HttpResponse<Stream<String>> response = client.send(request(true, "1"), HttpResponse.BodyHandlers.ofLines());

        List<String> data = Http.sseData(response.body());

        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        JsonNode last = Http.json(data.get(data.size() - 2));
        assertThat(last.path("choices")).isEmpty();
        JsonNode timing = last.path(HopReport.FIELD);
        // accept (the job's acknowledgement) is beside the path, and absent when its callback ran after the FINISH
        assertThat(timing.fieldNames()).toIterable().filteredOn(name -> !name.equals("accept")).containsExactly(
                "publish", "kafka", "wait", "first_token", "chunk", "first_chunk", "relay", "ttfb", "total",
                "chunk_ack");
        if (timing.has("accept")) {
            assertThat(timing.get("accept").asDouble()).isGreaterThanOrEqualTo(timing.get("publish").asDouble());
        }
        timing.fields().forEachRemaining(hop -> assertThat(hop.getValue().asDouble()).as(hop.getKey())
                .isGreaterThanOrEqualTo(0));
        double path = PATH.stream().mapToDouble(name -> timing.get(name).asDouble()).sum();
        assertThat(path).isCloseTo(timing.get("first_chunk").asDouble(), within(ROUNDING));
        assertThat(timing.get("first_chunk").asDouble() + timing.get("relay").asDouble())
                .isCloseTo(timing.get("ttfb").asDouble(), within(ROUNDING));
        assertThat(timing.get("ttfb").asDouble()).isLessThanOrEqualTo(timing.get("total").asDouble());
        assertThat(data).filteredOn(d -> d.contains(HopReport.FIELD)).hasSize(1);
    }

    @Test
    void shouldAnswerAUnaryClientThatAsksWithAServerTimingHeaderWhoseHopsFitTheTotal() throws Exception {
        HttpResponse<String> response = client.send(request(false, "1"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        HopReport timing = HopReport.parseServerTiming(response.headers().firstValue("server-timing").orElseThrow());
        assertThat(timing.hops()).extracting(HopReport.Hop::name).filteredOn(name -> !name.equals("accept"))
                .containsExactly("publish", "kafka", "wait", "first_token", "chunk", "first_chunk", "total",
                        "chunk_ack");
        double path = PATH.stream().mapToDouble(name -> timing.get(name).orElseThrow()).sum();
        assertThat(path).isCloseTo(timing.get("first_chunk").orElseThrow(), within(ROUNDING));
        assertThat(timing.get("first_chunk").orElseThrow()).isLessThanOrEqualTo(timing.get("total").orElseThrow());
        assertThat(response.body()).doesNotContain(HopReport.FIELD);
    }

    @Test
    void shouldSendNothingExtraToClientsThatDoNotAsk() throws Exception {
        HttpResponse<String> unary = client.send(request(false, null), HttpResponse.BodyHandlers.ofString());
        HttpResponse<Stream<String>> streamed = client.send(request(true, null), HttpResponse.BodyHandlers.ofLines());
        List<String> data = new ArrayList<>(Http.sseData(streamed.body()));

        assertThat(unary.statusCode()).isEqualTo(200);
        assertThat(unary.headers().firstValue("server-timing")).isEmpty();
        assertThat(streamed.headers().firstValue("server-timing")).isEmpty();
        assertThat(data).noneMatch(d -> d.contains(HopReport.FIELD));
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        // but the fleet measured them all the same: the gateway's metrics have every request's hops
        HttpResponse<String> metrics = Http.get(fleet.baseUrl() + "/metrics");
        assertThat(metrics.body()).contains("gateway_hop_seconds_bucket{hop=\"kafka\"");
    }

    private HttpRequest request(boolean stream, String timing) {
        String body = """
                {"model":"%s","stream":%s,"max_tokens":8,"temperature":0,
                 "messages":[{"role":"user","content":"Where did the time go?"}]}""".formatted(TestFleet.MODEL, stream);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fleet.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timing != null) {
            b.header(HopReport.REQUEST_HEADER, timing);
        }
        return b.build();
    }
}
