package dev.npufleet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a chat job asks of the chat template beyond its messages: the tools the model may call and
 * whether it should think first. Null fields mean the template's default. Immutable.
 *
 * @param tools OpenAI tool definitions ({@code {"type":"function","function":{"name","description","parameters"}}}),
 *     as the client sent them
 * @param toolChoice {@code auto}, {@code none}, {@code required}, or the name of the one function to call
 * @param parallelToolCalls false: at most one call per answer
 * @param enableThinking Qwen3-style thinking on or off; null = the template's default
 */
public record ChatOptions(List<JsonNode> tools, String toolChoice, Boolean parallelToolCalls, Boolean enableThinking) {
    public ChatOptions {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public static final ChatOptions NONE = new ChatOptions(List.of(), null, null, null);

    /** True when the template gets tools to put in the prompt ({@code tool_choice: none} leaves them out). */
    public boolean offersTools() {
        return !tools.isEmpty() && !"none".equals(toolChoice);
    }
}
