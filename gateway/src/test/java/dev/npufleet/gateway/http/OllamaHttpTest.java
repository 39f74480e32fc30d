package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.protocol.WorkerStatus;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ollama's API through the real HTTP layer over a fake bus (the test plays the board): the NDJSON framing and the
 * final statistics field by field, as Ollama's API documentation gives them; options mapped onto the job; errors
 * in Ollama's shape.
 */
class OllamaHttpTest {
    /** A board's measurements: 40 ms prefill, 20 tokens/s decode, 7 ms building a cache first. */
    private static final Timings TIMINGS = new Timings(3, 7, 40.0, 45.0, 20.0, 250.0, 300);
    private static final Usage USAGE = Usage.of(10, 3, 4);

    private HttpHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new HttpHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static JsonNode json(String s) throws Exception {
        return JsonCodec.mapper().readTree(s);
    }

    private static List<JsonNode> lines(String body) throws Exception {
        assertThat(body).endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            out.add(json(line));
        }
        return out;
    }

    private void answer(Job job, String finishReason, String... chunks) {
        harness.emit(Events.started(job.id()));
        long seq = 0;
        for (String c : chunks) {
            harness.emit(Events.chunk(job.id(), seq, c));
            seq += c.codePointCount(0, c.length());
        }
        harness.emit(Event.finish(job.id(), Events.BOARD, 1, seq, finishReason, USAGE, TIMINGS, null));
    }

    private static void assertStatistics(JsonNode last, String doneReason) {
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo(doneReason);
        assertThat(last.path("total_duration").isIntegralNumber()).isTrue();
        assertThat(last.path("total_duration").asLong()).isPositive();
        assertThat(last.path("load_duration").asLong()).isEqualTo(7_000_000L);
        assertThat(last.path("prompt_eval_count").asInt()).isEqualTo(10);
        assertThat(last.path("prompt_eval_cached_count").asInt()).isEqualTo(4);
        assertThat(last.path("prompt_eval_duration").asLong()).isEqualTo(40_000_000L);
        assertThat(last.path("eval_count").asInt()).isEqualTo(3);
        assertThat(last.path("eval_duration").asLong()).isEqualTo(150_000_000L); // 3 tokens at 20/s
        Instant.parse(last.path("created_at").asText());
    }

    @Test
    void shouldStreamAChatAsNdjsonEndingWithTheBoardsStatistics() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/chat", """
                {"model":"test-model:latest","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Hi"}],"keep_alive":"5m",
                 "options":{"temperature":0.5,"top_p":0.9,"top_k":20,"num_predict":64,"stop":["END"],"seed":42,
                  "repeat_penalty":1.1,"num_ctx":4096,"mirostat":0}}""");
        Job job = harness.bus.nextJob().job();
        assertThat(job.model()).isEqualTo("test-model");
        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
        assertThat(job.messages()).extracting(m -> m.role() + ":" + m.content()).containsExactly("system:Be brief.",
                "user:Hi");
        assertThat(job.params().temperature()).isEqualTo(0.5);
        assertThat(job.params().topP()).isEqualTo(0.9);
        assertThat(job.params().topK()).isEqualTo(20);
        assertThat(job.params().maxTokens()).isEqualTo(64);
        assertThat(job.params().stop()).containsExactly("END");
        assertThat(job.params().seed()).isEqualTo(42L);
        assertThat(job.params().repeatPenalty()).isEqualTo(1.1);

        answer(job, "stop", "Hel", "lo ", "there");
        HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/x-ndjson");
        assertThat(r.headers().firstValue(OllamaEndpoints.IGNORED_OPTIONS_HEADER).orElse(""))
                .contains("num_ctx").contains("mirostat");
        List<JsonNode> lines = lines(r.body());
        assertThat(lines).hasSize(4);
        StringBuilder text = new StringBuilder();
        for (JsonNode line : lines.subList(0, 3)) {
            assertThat(line.path("model").asText()).isEqualTo("test-model:latest");
            assertThat(line.path("done").asBoolean()).isFalse();
            assertThat(line.has("done_reason")).isFalse();
            assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
            text.append(line.path("message").path("content").asText());
        }
        assertThat(text).hasToString("Hello there");
        JsonNode last = lines.get(3);
        assertThat(last.path("message").path("content").asText()).isEmpty();
        assertStatistics(last, "stop");
    }

    @Test
    void shouldMapThinkAndToolsOntoTheJobAndStreamTheReasoningAsThinking() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/chat", """
                {"model":"test-model","think":true,"messages":[{"role":"user","content":"Weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}""");
        Job job = harness.bus.nextJob().job();
        assertThat(job.chatOptions().enableThinking()).isTrue();
        assertThat(job.chatOptions().tools()).hasSize(1);
        answer(job, "stop", "<think>hm", "m</think>", "Sunny");
        List<JsonNode> lines = lines(pending.get(20, TimeUnit.SECONDS).body());
        StringBuilder thinking = new StringBuilder();
        StringBuilder content = new StringBuilder();
        lines.forEach(l -> {
            thinking.append(l.path("message").path("thinking").asText(""));
            content.append(l.path("message").path("content").asText(""));
        });
        assertThat(thinking).hasToString("hmm");
        assertThat(content).hasToString("Sunny");
        assertStatistics(lines.get(lines.size() - 1), "stop");
    }

    @Test
    void shouldAnswerAGenerateNotStreamedAsOneObjectWithSystemAsTheSystemTurn() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/generate", """
                {"model":"test-model","prompt":"Why?","system":"Answer in one word.","stream":false,
                 "options":{"num_predict":2}}""");
        Job job = harness.bus.nextJob().job();
        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
        assertThat(job.messages()).extracting(m -> m.role() + ":" + m.content())
                .containsExactly("system:Answer in one word.", "user:Why?");
        answer(job, "length", "Because", " so");
        HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        assertThat(body.path("response").asText()).isEqualTo("Because so");
        assertThat(body.has("message")).isFalse();
        assertStatistics(body, "length");
    }

    @Test
    void shouldRunARawGenerateAsACompletionOfThePromptAsWritten() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/generate",
                "{\"model\":\"test-model\",\"prompt\":\"<|im_start|>user\\nx\",\"raw\":true}");
        Job job = harness.bus.nextJob().job();
        assertThat(job.kind()).isEqualTo(JobKind.COMPLETION);
        assertThat(job.prompt()).isEqualTo("<|im_start|>user\nx");
        answer(job, "stop", "ok");
        List<JsonNode> lines = lines(pending.get(20, TimeUnit.SECONDS).body());
        assertThat(lines.get(0).path("response").asText()).isEqualTo("ok");
        assertStatistics(lines.get(1), "stop");
    }

    @Test
    void shouldEndAStreamThatFailsAfterItsFirstTextWithAnErrorLine() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/chat",
                "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.started(job.id()));
        harness.emit(Events.chunk(job.id(), 0, "Hel"));
        harness.emit(Events.error(job.id(), ErrorCode.RUNTIME_ERROR, "NPU fault"));
        List<JsonNode> lines = lines(pending.get(20, TimeUnit.SECONDS).body());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("message").path("content").asText()).isEqualTo("Hel");
        assertThat(lines.get(1).path("error").asText()).contains("NPU fault");
    }

    @Test
    void shouldAnswerAFailureBeforeTheFirstTextWithItsStatusInOllamasShape() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = harness.postAsync("/api/chat",
                "{\"model\":\"test-model\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        Job job = harness.bus.nextJob().job();
        harness.emit(Events.error(job.id(), ErrorCode.RUNTIME_ERROR, "NPU fault"));
        HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r.body()).path("error").isTextual()).isTrue();
        assertThat(json(r.body()).path("error").asText()).contains("NPU fault");
    }

    @Test
    void shouldLoadOrUnloadWithoutAJobWhenThereIsNothingToGenerate() throws Exception {
        JsonNode load = json(harness.send("POST", "/api/generate", "{\"model\":\"test-model\"}").body());
        assertThat(load.path("done").asBoolean()).isTrue();
        assertThat(load.path("done_reason").asText()).isEqualTo("load");
        JsonNode unload = json(harness.send("POST", "/api/chat",
                "{\"model\":\"test-model:latest\",\"messages\":[],\"keep_alive\":0}").body());
        assertThat(unload.path("done_reason").asText()).isEqualTo("unload");
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldRefuseWhatABoardCannotDoInOllamasErrorShape() throws Exception {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        String[][] cases = {
            {"/api/chat", "{\"model\":\"nope\"," + user + "}", "404", "nope"},
            {"/api/chat", "{\"model\":\"test-model:q4\"," + user + "}", "404", "test-model:q4"},
            {"/api/chat", "{\"model\":\"test-model\",\"format\":\"json\"," + user + "}", "400", "format"},
            {"/api/chat", "{\"model\":\"test-model\",\"format\":{\"type\":\"object\"}," + user + "}", "400", "format"},
            {"/api/chat", "{\"model\":\"test-model\",\"format\":5," + user + "}", "400", "format"},
            {"/api/chat", "{\"model\":\"test-model\",\"think\":5," + user + "}", "400", "think"},
            {"/api/chat", "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\","
                    + "\"images\":[\"AAAA\"]}]}", "400", "Images"},
            {"/api/chat", "{\"model\":\"test-model\",\"options\":{\"temperature\":\"hot\"}," + user + "}", "400",
                "temperature"},
            {"/api/chat", "{\"model\":\"test-model\",\"options\":{\"num_predict\":0}," + user + "}", "400",
                "num_predict"},
            {"/api/chat", "{\"model\":\"test-model\",\"keep_alive\":[1]," + user + "}", "400", "keep_alive"},
            {"/api/chat", "{\"model\":", "400", "JSON"},
            {"/api/generate", "{\"model\":\"test-model\",\"prompt\":\"x\",\"template\":\"{{ .Prompt }}\"}", "400",
                "template"},
            {"/api/generate", "{\"model\":\"test-model\",\"prompt\":\"x\",\"context\":[1,2]}", "400", "context"},
            {"/api/generate", "{\"prompt\":\"x\"}", "400", "model"},
            {"/api/pull", "{\"model\":\"qwen3\"}", "501", "managed per board"},
            {"/api/create", "{\"model\":\"mine\"}", "501", "managed per board"},
            {"/api/nothing", "{}", "404", "/api/nothing"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = harness.send("POST", c[0], c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(Integer.parseInt(c[2]));
            JsonNode error = json(r.body()).path("error");
            assertThat(error.isTextual()).as(r.body()).isTrue();
            assertThat(error.asText()).as(c[1]).contains(c[3]);
        }
        HttpResponse<String> delete = harness.send("DELETE", "/api/delete", "{\"model\":\"test-model\"}");
        assertThat(delete.statusCode()).isEqualTo(501);
        assertThat(harness.send("GET", "/api/chat", null).statusCode()).isEqualTo(405);
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldDescribeTheFleetsModelsAsOllamaDoes() throws Exception {
        harness.fleet.apply("board-1", JsonCodec.encode(new WorkerStatus(Protocol.VERSION, "board-1",
                HttpHarness.MODEL, "sim", "1.2", WorkerStatus.State.BUSY, List.of(0), List.of(
                        new WorkerStatus.CacheHolding("coding", "r1", 2048, 7, 1_700_000_000_000L)),
                2, "job-1", 100, 10, 1.0, 3, 1000, System.currentTimeMillis(), System.currentTimeMillis())));

        JsonNode tags = json(harness.get("/api/tags").body());
        JsonNode model = tags.path("models").get(0);
        assertThat(model.path("name").asText()).isEqualTo("test-model:latest");
        assertThat(model.path("model").asText()).isEqualTo("test-model:latest");
        assertThat(model.path("digest").asText()).hasSize(64);
        assertThat(model.path("details").path("format").asText()).isEqualTo("rkllm");
        Instant.parse(model.path("modified_at").asText());

        JsonNode show = json(harness.send("POST", "/api/show", "{\"model\":\"test-model:latest\"}").body());
        assertThat(show.path("capabilities").toString()).contains("completion");
        assertThat(show.path("model_info").path("npufleet.live_boards").asInt()).isEqualTo(1);
        assertThat(show.path("modelfile").asText()).contains("managed per board");
        assertThat(harness.send("POST", "/api/show", "{\"name\":\"test-model\"}").statusCode()).isEqualTo(200);
        assertThat(harness.send("POST", "/api/show", "{\"model\":\"nope\"}").statusCode()).isEqualTo(404);

        JsonNode ps = json(harness.get("/api/ps").body()).path("models");
        assertThat(ps).hasSize(1);
        assertThat(ps.get(0).path("name").asText()).isEqualTo("test-model:latest");
        JsonNode board = ps.get(0).path("boards").get(0);
        assertThat(board.path("worker_id").asText()).isEqualTo("board-1");
        assertThat(board.path("state").asText()).isEqualTo("busy");
        assertThat(board.path("queue_depth").asInt()).isEqualTo(2);
        assertThat(board.path("caches").get(0).asText()).isEqualTo("coding");

        JsonNode version = json(harness.get("/api/version").body());
        assertThat(version.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    }
}
