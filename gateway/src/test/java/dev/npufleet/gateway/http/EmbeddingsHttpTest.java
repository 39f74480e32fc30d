package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Embeddings (OpenAI's and Ollama's routes) through the real HTTP layer over a fake bus; the test plays the board. */
class EmbeddingsHttpTest {
    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    static String base64(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    private Job answer(String... vectors) throws Exception {
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.started(job.id()));
        harness.emit(Event.embedded(job.id(), Events.BOARD, 1, List.of(vectors), Usage.of(9, 0, 0),
                new Timings(1, 0, 12.5, 0, 0, 720, 14)));
        return job;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonCodec.mapper().readTree(r.body());
    }

    @Test
    void shouldAnswerOneEmbeddingPerInputAsFloatsOrBase64() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/v1/embeddings",
                "{\"model\":\"test-model\",\"input\":[\"first\",\"second\"],\"user\":\"u\"}");
        Job job = answer(base64(0.6f, 0.8f), base64(1f, 0f));
        assertThat(job.kind()).isEqualTo(JobKind.EMBEDDING);
        assertThat(job.messages()).extracting(m -> m.content()).containsExactly("first", "second");
        HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("embedding");
        assertThat(body.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(body.path("data").get(0).path("embedding").toString()).isEqualTo("[0.6,0.8]");
        assertThat(body.path("data").get(1).path("embedding").toString()).isEqualTo("[1.0,0.0]");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(9);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(9);

        pending = harness.postAsync("/v1/embeddings",
                "{\"model\":\"test-model\",\"input\":\"one\",\"encoding_format\":\"base64\"}");
        answer(base64(0.6f, 0.8f));
        JsonNode b64 = json(pending.get(20, TimeUnit.SECONDS));
        assertThat(b64.path("data").get(0).path("embedding").asText()).isEqualTo(base64(0.6f, 0.8f));
    }

    @Test
    void shouldAnswerOllamasEmbedAndEmbeddingsShapes() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/embed",
                "{\"model\":\"test-model:latest\",\"input\":[\"a\",\"b\"]}");
        Job job = answer(base64(0.6f, 0.8f), base64(0f, 1f));
        assertThat(job.model()).isEqualTo("test-model");
        JsonNode embed = json(pending.get(20, TimeUnit.SECONDS));
        assertThat(embed.path("model").asText()).isEqualTo("test-model:latest");
        assertThat(embed.path("embeddings").toString()).isEqualTo("[[0.6,0.8],[0.0,1.0]]");
        assertThat(embed.path("prompt_eval_count").asInt()).isEqualTo(9);
        assertThat(embed.path("total_duration").asLong()).isPositive();

        pending = harness.postAsync("/api/embeddings", "{\"model\":\"test-model\",\"prompt\":\"a\"}");
        answer(base64(0.6f, 0.8f));
        assertThat(json(pending.get(20, TimeUnit.SECONDS)).path("embedding").toString()).isEqualTo("[0.6,0.8]");
    }

    @Test
    void shouldRefuseBadInputsNamingTheField() throws Exception {
        String[][] cases = {
            {"/v1/embeddings", "{\"model\":\"test-model\"}", "400", "input"},
            {"/v1/embeddings", "{\"model\":\"test-model\",\"input\":[]}", "400", "input"},
            {"/v1/embeddings", "{\"model\":\"test-model\",\"input\":[\"\"]}", "400", "input"},
            {"/v1/embeddings", "{\"model\":\"test-model\",\"input\":[[1,2,3]]}", "400", "input"},
            {"/v1/embeddings", "{\"model\":\"test-model\",\"input\":\"x\",\"dimensions\":8}", "400", "dimensions"},
            {"/v1/embeddings", "{\"model\":\"test-model\",\"input\":\"x\",\"encoding_format\":\"int8\"}", "400",
                "encoding_format"},
            {"/v1/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}", "404", "model"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = harness.send("POST", c[0], c[1]);
            assertThat(r.statusCode()).as(c[1]).isEqualTo(Integer.parseInt(c[2]));
            assertThat(json(r).path("error").path("param").asText()).as(c[1]).isEqualTo(c[3]);
        }
        HttpResponse<String> ollama = harness.send("POST", "/api/embed", "{\"model\":\"nope\",\"input\":\"x\"}");
        assertThat(ollama.statusCode()).isEqualTo(404);
        assertThat(json(ollama).path("error").isTextual()).isTrue();
        assertThat(harness.bus.jobs).isEmpty();
    }
}
