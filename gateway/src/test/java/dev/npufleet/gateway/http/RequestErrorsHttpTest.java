package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.net.URI;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests the gateway refuses, and how: every error OpenAI-shaped, with the right status and param. */
class RequestErrorsHttpTest {
    private static HttpHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new HttpHarness(Map.of("NPUFLEET_MAX_BODY_BYTES", "1000"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        return JsonCodec.mapper().readTree(response.body()).path("error");
    }

    @Test
    void shouldAnswer400NamingNoParamForMalformedJson() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions", "{\"model\": \"test-model\",");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_json");
        assertThat(error.has("param")).isTrue();
        assertThat(error.path("param").isNull()).isTrue();
    }

    @Test
    void shouldAnswer400NamingTheMissingField() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions", "{\"model\":\"test-model\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("param").asText()).isEqualTo("messages");
    }

    @Test
    void shouldAnswer400NamingAnOutOfRangeField() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions",
                "{\"model\":\"test-model\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("param").asText()).isEqualTo("temperature");
    }

    @Test
    void shouldAnswer400ForMoreThanOneChoice() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/chat/completions",
                "{\"model\":\"test-model\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("param").asText()).isEqualTo("n");
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldAnswer404ModelNotFoundForAModelNotServed() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/completions",
                "{\"model\":\"gpt-4o\",\"prompt\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = error(response);
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("param").asText()).isEqualTo("model");
    }

    @Test
    void shouldAnswer413ForADeclaredBodyOverTheLimit() throws Exception {
        String big = "{\"model\":\"test-model\",\"prompt\":\"" + "x".repeat(2000) + "\"}";

        HttpResponse<String> response = harness.send("POST", "/v1/completions", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).path("code").asText()).isEqualTo("request_too_large");
        // the rest of the body was read and dropped: the connection carries the next request
        assertThat(response.headers().firstValue("connection")).isEmpty();
        assertThat(harness.send("POST", "/v1/completions", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldAnswer413AtOnceAndCloseTheConnectionForABodyFarOverTheLimit() throws Exception {
        long declared = harness.config.requests().maxBodyBytes() + BodyReader.DRAIN_LIMIT + 1;
        try (Socket socket = new Socket("127.0.0.1", harness.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            // answered without a byte of the body, and the connection ends after the answer
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
                    .contains("request_too_large");
        }
    }

    @Test
    void shouldAnswer413ForAChunkedBodyThatGrowsOverTheLimit() throws Exception {
        byte[] big = ("{\"model\":\"test-model\",\"prompt\":\"" + "x".repeat(5000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(harness.uri("/v1/completions"))
                .header("Content-Type", "application/json")
                // an input stream publisher has no length: the body goes chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("connection")).isEmpty();
    }

    @Test
    void shouldAnswer405WithAllowForAKnownPathAndTheWrongMethod() throws Exception {
        HttpResponse<String> response = harness.get("/v1/chat/completions");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
        assertThat(error(response).path("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void shouldAnswer404ForAnUnknownPath() throws Exception {
        HttpResponse<String> response = harness.send("POST", "/v1/images/generations", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).path("message").asText()).isEqualTo("Invalid URL (POST /v1/images/generations)");
    }

    @Test
    void shouldListTheServedModelsTheOpenAiWay() throws Exception {
        HttpResponse<String> response = harness.get("/v1/models");

        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.at("/data/0/id").asText()).isEqualTo(HttpHarness.MODEL);
        assertThat(body.at("/data/0/object").asText()).isEqualTo("model");
    }

    @Test
    void shouldReportHealthWithTheBrokerState() throws Exception {
        HttpResponse<String> response = harness.get("/health");

        JsonNode body = JsonCodec.mapper().readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.path("broker").asText()).isEqualTo("unknown");
        assertThat(body.path("events").asText()).isEqualTo("ready");
        assertThat(body.path("gateway_id").asText()).isEqualTo("test-gw");
    }

    @Test
    void shouldServePrometheusTextOnMetrics() throws Exception {
        harness.get("/v1/models");

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).contains("gateway_http_requests_total{endpoint=\"models\",status=\"200\"}");
    }
}
