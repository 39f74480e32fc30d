package dev.npufleet.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each preset against a reference rendering written from its family's published Hugging Face template
 * ({@code tokenizer_config.json}'s {@code chat_template}), for the same conversation: a system turn, a user
 * turn, an answer, a second user turn, with the generation prompt.
 */
class ChatTemplatePresetsTest {
    private static final List<ChatMessage> CHAT = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"),
            new ChatMessage("assistant", "Hello."), ChatMessage.user(" What is 2+2? "));
    private static final JsonNode TOOL = json("""
            {"type":"function","function":{"name":"get_weather","description":"Weather in a city",
             "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""");
    private static final String TOOL_PY = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"description\": \"Weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\":"
            + " {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}";

    private static JsonNode json(String text) {
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String render(String preset, List<ChatMessage> messages) {
        return ChatTemplate.named(preset).render(messages, true);
    }

    @Test
    void shouldRenderQwen25WithItsDefaultSystemTurnWhenNoneIsGiven() {
        assertThat(render("qwen2.5", CHAT)).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n"
                + "<|im_start|>user\n What is 2+2? <|im_end|>\n<|im_start|>assistant\n");
        assertThat(render("qwen2.5", List.of(ChatMessage.user("Hi")))).isEqualTo("<|im_start|>system\nYou are Qwen,"
                + " created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void shouldRenderQwen3WithTheThinkingSwitch() {
        ChatTemplate qwen3 = ChatTemplate.named("qwen3");
        List<ChatMessage> one = List.of(ChatMessage.user("Hi"));

        assertThat(qwen3.render(new Conversation(one, List.of(), true, null)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(qwen3.render(new Conversation(one, List.of(), true, true)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(qwen3.render(new Conversation(one, List.of(), true, false)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(qwen3.switchesThinking()).isTrue();
    }

    @Test
    void shouldDropQwen3sEarlierThinkingButKeepItAfterTheLastUserTurn() {
        List<ChatMessage> turns = List.of(ChatMessage.user("A"), new ChatMessage("assistant", "<think>\nhmm\n</think>\n\nB"),
                ChatMessage.user("C"), new ChatMessage("assistant", "<think>\nso\n</think>\n\nD"));

        assertThat(ChatTemplate.named("qwen3").render(turns, false)).isEqualTo("<|im_start|>user\nA<|im_end|>\n"
                + "<|im_start|>assistant\nB<|im_end|>\n<|im_start|>user\nC<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nso\n</think>\n\nD<|im_end|>\n");
    }

    @Test
    void shouldPutQwenToolsInTheSystemTurnAndRenderCallsAndResults() {
        List<ChatMessage> turns = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Weather in Oslo?"),
                new ChatMessage("assistant", "", List.of(ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\"}")),
                        null),
                new ChatMessage("tool", "{\"temp\":3}", List.of(), "call_1"));
        Conversation c = new Conversation(turns, List.of(TOOL), true, null);
        String system = "<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with"
                + " the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n"
                + "<tools>\n" + TOOL_PY + "\n</tools>\n\nFor each function call, return a json object with function"
                + " name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\":"
                + " <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWeather in Oslo?<|im_end|>\n";
        String result = "<|im_start|>user\n<tool_response>\n{\"temp\":3}\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n";

        assertThat(ChatTemplate.named("qwen2.5").render(c)).isEqualTo(system + "<|im_start|>assistant\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call><|im_end|>\n" + result);
        assertThat(ChatTemplate.named("qwen3").render(c)).isEqualTo(system + "<|im_start|>assistant\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call><|im_end|>\n" + result);
    }

    @Test
    void shouldRenderLlama3WithTheFixedDateAndTrimmedContents() {
        assertThat(render("llama3", CHAT)).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void shouldPutLlama3ToolsInTheFirstUserTurnAndRenderCallsAsIpython() {
        List<ChatMessage> turns = List.of(ChatMessage.user("Weather in Oslo?"),
                new ChatMessage("assistant", "", List.of(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")), null),
                new ChatMessage("tool", "3 degrees", List.of(), "c1"));

        String text = ChatTemplate.named("llama3").render(new Conversation(turns, List.of(TOOL), true, null));

        assertThat(text).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON"
                + " for a function call with its proper arguments that best answers the given prompt.\n\nRespond in the"
                + " format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not"
                + " use variables.\n\n{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\":"
                + " \"get_weather\",\n        \"description\": \"Weather in a city\",\n        \"parameters\": {\n"
                + "            \"type\": \"object\",\n            \"properties\": {\n                \"city\": {\n"
                + "                    \"type\": \"string\"\n                }\n            },\n            \"required\":"
                + " [\n                \"city\"\n            ]\n        }\n    }\n}\n\nWeather in Oslo?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\":"
                + " {\"city\": \"Oslo\"}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n3 degrees<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void shouldFoldGemmasSystemTurnIntoTheFirstUserTurn() {
        assertThat(render("gemma", CHAT)).isEqualTo("<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
                + "<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n"
                + "<start_of_turn>model\n");
    }

    @Test
    void shouldRenderPhi3() {
        assertThat(render("phi3", CHAT)).isEqualTo("<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n"
                + "<|assistant|>\nHello.<|end|>\n<|user|>\n What is 2+2? <|end|>\n<|assistant|>\n");
    }

    @Test
    void shouldRenderDeepSeekR1OpeningTheThinkingBlock() {
        List<ChatMessage> turns = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"),
                new ChatMessage("assistant", "<think>\nwhy\n</think>\n\nHello."), ChatMessage.user("2+2?"));
        ChatTemplate r1 = ChatTemplate.named("deepseek-r1");

        assertThat(r1.render(turns, true)).isEqualTo("<\uff5cbegin\u2581of\u2581sentence\uff5c>Be brief."
                + "<\uff5cUser\uff5c>Hi<\uff5cAssistant\uff5c>\n\nHello.<\uff5cend\u2581of\u2581sentence\uff5c>"
                + "<\uff5cUser\uff5c>2+2?<\uff5cAssistant\uff5c><think>\n");
        assertThat(r1.opensThinking(Conversation.of(turns, true))).isTrue();
    }

    @Test
    void shouldRenderTheChatMlFamiliesWithTheirDefaultsAndBos() {
        List<ChatMessage> one = List.of(ChatMessage.user("Hi"));
        String tail = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";

        assertThat(render("minicpm", one)).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" + tail);
        assertThat(render("smollm", one)).isEqualTo("<|im_start|>system\nYou are a helpful AI assistant named SmolLM,"
                + " trained by Hugging Face<|im_end|>\n" + tail);
        assertThat(render("internlm2", one)).isEqualTo("<s>" + tail);
        assertThat(render("internlm2", CHAT)).startsWith("<s><|im_start|>system\nBe brief.<|im_end|>\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"chatml", "qwen2.5", "qwen3", "llama3", "gemma", "phi3", "deepseek-r1", "minicpm",
        "internlm2", "smollm"})
    void shouldMakeTheSystemPrefixTheStartOfEveryConversationWithIt(String preset) {
        ChatTemplate t = ChatTemplate.named(preset);
        List<ChatMessage> system = List.of(ChatMessage.system("You are the fleet's helper."));

        String prefix = t.prefix(system);

        assertThat(t.render(List.of(system.get(0), ChatMessage.user("Hi")), true)).startsWith(prefix);
        assertThat(t.render(List.of(system.get(0), ChatMessage.user("Q"), new ChatMessage("assistant", "A"),
                ChatMessage.user("R")), true)).startsWith(prefix);
        assertThat(prefix).contains("You are the fleet's helper.");
        assertThat(t.id()).isNotBlank();
    }

    @Test
    void shouldNameTheKnownTemplatesForAnUnknownOne() {
        assertThatThrownBy(() -> ChatTemplate.named("vicuna")).hasMessageContaining("qwen3").hasMessageContaining("llama3");
    }
}
