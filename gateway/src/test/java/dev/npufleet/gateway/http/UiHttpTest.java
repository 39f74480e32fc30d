package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fleet page's files, and the recent figures it shows from {@code /v1/fleet}. */
class UiHttpTest {
    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldServeThePageAtTheRootAndUnderUiWithItsAssets() throws Exception {
        for (String path : new String[] {"/", "/ui", "/ui/"}) {
            HttpResponse<String> page = harness.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("<script src=\"/ui/app.js\"></script>");
        }
        HttpResponse<String> js = harness.get("/ui/app.js");
        assertThat(js.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("/v1/fleet");
        assertThat(harness.get("/ui/style.css").headers().firstValue("content-type").orElse("")).startsWith("text/css");
        assertThat(harness.get("/ui/secret.txt").statusCode()).isEqualTo(404);
        assertThat(harness.get("/ui/..%2Fpom.xml").statusCode()).isIn(400, 404); // Jetty refuses the ambiguous path first
    }

    @Test
    void shouldReportTheLastJobsBoardTimingsPerModelInTheFleet() throws Exception {
        JsonNode before = JsonCodec.mapper().readTree(harness.get("/v1/fleet").body()).path("models").get(0);
        assertThat(before.path("recent").path("jobs").asInt()).isZero();

        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/completions",
                "{\"model\":\"test-model\",\"prompt\":\"x\"}");
        Job job = harness.bus.nextJob().job();
        harness.emit(Event.finish(job.id(), Events.BOARD, 1, 0, "stop", Usage.of(1, 0, 0),
                new Timings(30, 0, 100.0, 120.0, 25.0, 300.0, 200), null));
        assertThat(pending.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        JsonNode recent = JsonCodec.mapper().readTree(harness.get("/v1/fleet").body()).path("models").get(0)
                .path("recent");
        assertThat(recent.path("jobs").asInt()).isEqualTo(1);
        assertThat(recent.path("ttft_ms_p50").asLong()).isEqualTo(150); // queue 30 + first token 120
        assertThat(recent.path("decode_tokens_per_second_p50").asDouble()).isEqualTo(25.0);
    }
}
