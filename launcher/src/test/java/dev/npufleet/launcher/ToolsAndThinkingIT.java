package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * Tool calling and thinking through the whole fleet: a worker process on the simulator's scripted mode (its
 * random weights cannot write a call or a thinking block) with the Qwen3 template, so the prompt the template
 * renders (tools in the system turn, the call and its result in the history, the thinking switch) decides
 * which scripted reply the board streams back token by token.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolsAndThinkingIT {
    private static final String SCRIPT = """
            # replies keyed by what the Qwen3 template renders
            >>> What is the weather in Oslo?
            <tool_call>
            {"name": "get_weather", "arguments": {"city": "Oslo"}}
            </tool_call>
            >>> <tool_response>\\n{"temp": 3}\\n</tool_response>
            It is 3 degrees in Oslo.
            >>> Hello, thinker
            <think>
            The user greets me.
            </think>

            Hi!
            >>> Hello, thinker<|im_end|>\\n<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n
            Hi, without thinking.
            """;
    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";
    private TestFleet fleet;

    @BeforeAll
    void startFleet(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("replies.txt"), SCRIPT);
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("tools") + ".", dir);
        fleet.startWorker("board-t", Map.of("NPUFLEET_SIM_OPTIONS", "script=" + script,
                "NPUFLEET_CHAT_TEMPLATE", "qwen3"));
        fleet.awaitWorkers();
    }

    @AfterAll
    void stopFleet() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    private String url() {
        return fleet.baseUrl() + "/v1/chat/completions";
    }

    private static String body(String messages, String extra) {
        return "{\"model\":\"" + TestFleet.MODEL + "\",\"max_tokens\":200,\"messages\":" + messages + extra + "}";
    }

    @Test
    void shouldCallAToolAndAnswerFromItsResult() throws Exception {
        String ask = "[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}]";
        // Given the tool offered, the board's answer is a call
        JsonNode first = Http.json(Http.post(url(), body(ask, ",\"tools\":" + TOOLS)).body());
        JsonNode choice = first.at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(Http.json(call.at("/function/arguments").asText()).path("city").asText()).isEqualTo("Oslo");

        // When the call and its result go back in the history
        String history = "[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}," + choice.path("message")
                + ",{\"role\":\"tool\",\"tool_call_id\":\"" + call.path("id").asText() + "\",\"content\":\"{\\\"temp\\\": 3}\"}]";
        JsonNode second = Http.json(Http.post(url(), body(history, ",\"tools\":" + TOOLS)).body());

        // Then the answer uses it
        assertThat(second.at("/choices/0/message/content").asText()).isEqualTo("It is 3 degrees in Oslo.");
        assertThat(second.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(second.at("/usage/completion_tokens").asInt()).isEqualTo("It is 3 degrees in Oslo.".length());
    }

    @Test
    void shouldStreamAToolCallAsOpenAiDoes() throws Exception {
        String ask = "[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}]";

        HttpResponse<Stream<String>> r = Http.postStreaming(url(), body(ask, ",\"stream\":true,\"tools\":" + TOOLS));
        List<String> data = Http.sseData(r.body());

        List<JsonNode> chunks = data.stream().filter(d -> !d.equals("[DONE]")).map(Http::json).toList();
        JsonNode callDelta = chunks.stream().map(c -> c.at("/choices/0/delta/tool_calls/0"))
                .filter(n -> !n.isMissingNode()).findFirst().orElseThrow();
        assertThat(callDelta.path("index").asInt()).isZero();
        assertThat(callDelta.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(Http.streamedContent(data)).doesNotContain("tool_call");
    }

    @Test
    void shouldReturnThinkingApartAndSwitchItOff() throws Exception {
        String hello = "[{\"role\":\"user\",\"content\":\"Hello, thinker\"}]";

        JsonNode on = Http.json(Http.post(url(), body(hello, ",\"reasoning_effort\":\"high\"")).body());
        JsonNode off = Http.json(Http.post(url(), body(hello, ",\"chat_template_kwargs\":{\"enable_thinking\":false}"))
                .body());
        List<String> streamed = Http.sseData(Http.postStreaming(url(), body(hello, ",\"stream\":true")).body());

        assertThat(on.at("/choices/0/message/reasoning_content").asText()).isEqualTo("The user greets me.\n");
        assertThat(on.at("/choices/0/message/content").asText()).isEqualTo("Hi!");
        assertThat(off.at("/choices/0/message/content").asText()).isEqualTo("Hi, without thinking.");
        assertThat(off.at("/choices/0/message/reasoning_content").isMissingNode()).isTrue();
        assertThat(Http.streamedContent(streamed)).isEqualTo("Hi!");
        assertThat(streamed.stream().filter(d -> !d.equals("[DONE]")).map(Http::json)
                .map(c -> c.at("/choices/0/delta/reasoning_content").asText("")).reduce("", String::concat))
                .isEqualTo("The user greets me.\n");
    }

    @Test
    void shouldRefuseATemplateOptionItDoesNotKnow() throws Exception {
        HttpResponse<String> r = Http.post(url(), body("[{\"role\":\"user\",\"content\":\"x\"}]",
                ",\"chat_template_kwargs\":{\"enable_thinking\":true,\"thinking_budget\":9}"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).at("/error/param").asText()).isEqualTo("chat_template_kwargs.thinking_budget");
    }
}
