package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
 * The clients people already use, through the whole fleet (gateway, Kafka, two worker processes on the simulator
 * through the JNI bridge): Ollama's API answers what the OpenAI routes answer, with the board's real statistics.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientsEndToEndIT {
    private TestFleet fleet;

    @BeforeAll
    void startFleet(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("clients") + ".", dir);
        fleet.startWorker("board-a", Map.of());
        fleet.startWorker("board-b", Map.of());
        fleet.awaitWorkers();
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldAnswerOllamasChatWithTheOpenAiRoutesTextAndTheBoardsStatistics() throws Exception {
        String messages = "[{\"role\":\"system\",\"content\":\"You are a board.\"},"
                + "{\"role\":\"user\",\"content\":\"Tell me about Kafka.\"}]";
        HttpResponse<String> openAi = Http.post(fleet.baseUrl() + "/v1/chat/completions", "{\"model\":\""
                + TestFleet.MODEL + "\",\"max_tokens\":16,\"temperature\":0,\"messages\":" + messages + "}");
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        JsonNode expected = Http.json(openAi.body());

        HttpResponse<Stream<String>> streamed = Http.postStreaming(fleet.baseUrl() + "/api/chat", "{\"model\":\""
                + TestFleet.MODEL + ":latest\",\"options\":{\"num_predict\":16,\"temperature\":0},\"messages\":"
                + messages + "}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> lines = streamed.body().map(Http::json).toList();

        StringBuilder text = new StringBuilder();
        lines.subList(0, lines.size() - 1).forEach(l -> {
            assertThat(l.path("done").asBoolean()).isFalse();
            text.append(l.path("message").path("content").asText());
        });
        assertThat(text).hasToString(expected.path("choices").get(0).path("message").path("content").asText());
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asText())
                .isEqualTo(expected.path("choices").get(0).path("finish_reason").asText());
        JsonNode usage = expected.path("usage");
        assertThat(last.path("prompt_eval_count").asInt()).isEqualTo(usage.path("prompt_tokens").asInt());
        assertThat(last.path("eval_count").asInt()).isEqualTo(usage.path("completion_tokens").asInt());
        assertThat(last.path("prompt_eval_duration").asLong()).isPositive();
        assertThat(last.path("eval_duration").asLong()).isPositive();
        assertThat(last.path("load_duration").asLong()).isNotNegative(); // a board may build an automatic cache first
        assertThat(last.path("total_duration").asLong())
                .isGreaterThanOrEqualTo(last.path("prompt_eval_duration").asLong());
    }

    @Test
    void shouldAnswerOllamasGenerateNotStreamedAndDescribeTheFleet() throws Exception {
        HttpResponse<String> r = Http.post(fleet.baseUrl() + "/api/generate", "{\"model\":\"" + TestFleet.MODEL
                + "\",\"prompt\":\"Hello\",\"stream\":false,\"options\":{\"num_predict\":5,\"seed\":7}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r.body());
        assertThat(body.path("done").asBoolean()).isTrue();
        assertThat(body.path("response").asText()).isNotEmpty();
        assertThat(body.path("eval_count").asInt()).isBetween(1, 5);

        JsonNode tags = Http.json(Http.get(fleet.baseUrl() + "/api/tags").body());
        assertThat(tags.path("models").get(0).path("name").asText()).isEqualTo(TestFleet.MODEL + ":latest");
        JsonNode ps = Http.json(Http.get(fleet.baseUrl() + "/api/ps").body()).path("models").get(0);
        assertThat(ps.path("boards").findValuesAsText("worker_id")).containsExactlyInAnyOrder("board-a", "board-b");
    }

    private static double dot(JsonNode a, JsonNode b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i).asDouble() * b.get(i).asDouble();
        }
        return s;
    }

    @Test
    void shouldEmbedFromTheBoardsHiddenLayerThroughTheWholeFleet() throws Exception {
        HttpResponse<String> r = Http.post(fleet.baseUrl() + "/v1/embeddings", "{\"model\":\"" + TestFleet.MODEL
                + "\",\"input\":[\"The river runs to the sea.\",\"Bread rises in a warm kitchen.\","
                + "\"The river runs to the sea.\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode data = Http.json(r.body()).path("data");
        assertThat(data).hasSize(3);
        JsonNode river = data.get(0).path("embedding");
        JsonNode bread = data.get(1).path("embedding");
        assertThat(river.size()).isGreaterThan(8).isEqualTo(bread.size());
        assertThat(dot(river, river)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(data.get(2).path("embedding")).as("the same text, the same vector").isEqualTo(river);
        assertThat(dot(river, bread)).as("other texts, other vectors").isLessThan(0.9999);
        assertThat(Http.json(r.body()).path("usage").path("prompt_tokens").asInt())
                .isGreaterThan("The river runs to the sea.".length());

        HttpResponse<String> ollama = Http.post(fleet.baseUrl() + "/api/embed", "{\"model\":\"" + TestFleet.MODEL
                + ":latest\",\"input\":\"The river runs to the sea.\"}");
        assertThat(ollama.statusCode()).as(ollama.body()).isEqualTo(200);
        JsonNode same = Http.json(ollama.body()).path("embeddings").get(0);
        for (int i = 0; i < river.size(); i++) {
            assertThat(same.get(i).floatValue()).isEqualTo(river.get(i).floatValue());
        }
    }

    @Test
    void shouldAnswerAnAsynchronousEmbeddingJobByItsId() throws Exception {
        HttpResponse<String> created = Http.post(fleet.baseUrl() + "/v1/jobs", "{\"endpoint\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"" + TestFleet.MODEL + "\",\"input\":[\"a\",\"b\"]}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = Http.json(created.body()).path("id").asText();
        JsonNode job = Http.json(Http.get(fleet.baseUrl() + "/v1/jobs/" + id + "?wait=30").body());
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.at("/response/object").asText()).isEqualTo("list");
        assertThat(job.at("/response/data").size()).isEqualTo(2);
        assertThat(job.at("/response/data/0/embedding").size()).isGreaterThan(8);
    }
}
