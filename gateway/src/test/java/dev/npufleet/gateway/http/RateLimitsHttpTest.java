package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-key limits over HTTP: OpenAI's headers, 429 with Retry-After, keys counted apart, reads not counted. */
class RateLimitsHttpTest {
    private static final String JOB = "{\"endpoint\":\"/v1/completions\",\"body\":{\"model\":\"test-model\","
            + "\"max_tokens\":10,\"prompt\":\"12345678\"}}";
    private static HttpHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new HttpHarness(Map.of("NPUFLEET_API_KEYS", "sk-a:a,sk-b:b", "NPUFLEET_RATE_RPM", "2",
                "NPUFLEET_RATE_TPM", "1000"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(harness.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return harness.client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer429WithRetryAfterAndRateLimitHeadersPastAKeysRequestsPerMinute() throws Exception {
        HttpResponse<String> first = send("POST", "/v1/jobs", JOB, "sk-a");
        HttpResponse<String> second = send("POST", "/v1/jobs", JOB, "sk-a");
        HttpResponse<String> third = send("POST", "/v1/jobs", JOB, "sk-a");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("988"); // 8/4 + 10
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).hasValue("30");
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        JsonNode error = JsonCodec.mapper().readTree(third.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("type").asText()).isEqualTo("requests");

        assertThat(send("POST", "/v1/jobs", JOB, "sk-b").statusCode()).isEqualTo(202); // another key: its own bucket
        assertThat(send("GET", "/v1/models", null, "sk-a").statusCode()).isEqualTo(200); // reads are not counted
    }
}
