package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what a chat request asks of the chat template: {@code tools}, {@code tool_choice},
 * {@code parallel_tool_calls}, and the thinking switch ({@code reasoning_effort}: {@code none} or
 * {@code minimal} switch thinking off, {@code low}/{@code medium}/{@code high} on; vLLM's and SGLang's
 * {@code chat_template_kwargs.enable_thinking}). A named {@code tool_choice} offers only that function.
 * Stateless.
 */
final class ChatOptionsParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ChatOptionsParser() {
    }

    /** @throws ApiException 400 naming the field at fault */
    static ChatOptions parse(JsonNode root) {
        List<JsonNode> tools = tools(root);
        String choice = toolChoice(root, tools);
        if (!choice.equals("auto") && !choice.equals("none") && !choice.equals("required")) {
            JsonNode named = tools.stream().filter(t -> t.at("/function/name").asText().equals(choice)).findFirst()
                    .orElseThrow(() -> ErrorMapping.invalidField("tool_choice", "'tool_choice' names the function '"
                            + choice + "', which is not in 'tools'.").toException());
            tools = List.of(named);
        }
        Boolean parallel = JsonFields.isSet(root, "parallel_tool_calls")
                ? JsonFields.optionalBoolean(root, "parallel_tool_calls", true) : null;
        return new ChatOptions(tools, choice, parallel, thinking(root));
    }

    private static List<JsonNode> tools(JsonNode root) {
        if (!JsonFields.isSet(root, "tools")) {
            return List.of();
        }
        JsonNode array = root.get("tools");
        if (!array.isArray()) {
            throw ErrorMapping.invalidField("tools", "'tools' must be an array.").toException();
        }
        List<JsonNode> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode t = array.get(i);
            String param = "tools[" + i + "]";
            if (!t.isObject() || !"function".equals(t.path("type").asText())) {
                throw ErrorMapping.unsupported(param + ".type", "Only tools of type 'function' are supported.")
                        .toException();
            }
            String name = t.at("/function/name").asText("");
            if (!NAME.matcher(name).matches() || !names.add(name)) {
                throw ErrorMapping.invalidField(param + ".function.name", "'" + param + ".function.name' must be 1-64"
                        + " letters, digits, '_' or '-', and unique.").toException();
            }
            JsonNode params = t.path("function").get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ErrorMapping.invalidField(param + ".function.parameters", "'" + param
                        + ".function.parameters' must be a JSON Schema object.").toException();
            }
            out.add(t);
        }
        return out;
    }

    private static String toolChoice(JsonNode root, List<JsonNode> tools) {
        if (!JsonFields.isSet(root, "tool_choice")) {
            return "auto";
        }
        JsonNode c = root.get("tool_choice");
        String choice = c.isTextual() ? c.textValue() : c.isObject() && "function".equals(c.path("type").asText())
                ? c.at("/function/name").asText(null) : null;
        if (choice == null || (c.isTextual() && !Set.of("auto", "none", "required").contains(choice))) {
            throw ErrorMapping.invalidField("tool_choice", "'tool_choice' must be 'auto', 'none', 'required' or"
                    + " {\"type\":\"function\",\"function\":{\"name\":...}}.").toException();
        }
        if (tools.isEmpty() && !choice.equals("auto") && !choice.equals("none")) {
            throw ErrorMapping.invalidField("tool_choice", "'tool_choice' '" + choice + "' needs 'tools'.").toException();
        }
        return choice;
    }

    private static Boolean thinking(JsonNode root) {
        Boolean fromEffort = null;
        if (JsonFields.isSet(root, "reasoning_effort")) {
            String effort = JsonFields.optionalString(root, "reasoning_effort", "reasoning_effort");
            fromEffort = switch (effort) {
                case "none", "minimal" -> false;
                case "low", "medium", "high" -> true;
                default -> throw ErrorMapping.invalidField("reasoning_effort", "'reasoning_effort' must be none,"
                        + " minimal, low, medium or high.").toException();
            };
        }
        if (!JsonFields.isSet(root, "chat_template_kwargs")) {
            return fromEffort;
        }
        JsonNode kwargs = root.get("chat_template_kwargs");
        if (!kwargs.isObject()) {
            throw ErrorMapping.invalidField("chat_template_kwargs", "'chat_template_kwargs' must be an object.")
                    .toException();
        }
        for (var names = kwargs.fieldNames(); names.hasNext();) {
            String key = names.next();
            if (!key.equals("enable_thinking")) {
                throw ErrorMapping.unsupported("chat_template_kwargs." + key, "Only 'enable_thinking' is supported"
                        + " in 'chat_template_kwargs'.").toException();
            }
        }
        Boolean enable = JsonFields.isSet(kwargs, "enable_thinking")
                ? JsonFields.optionalBoolean(kwargs, "enable_thinking", true) : null;
        if (enable != null && fromEffort != null && !enable.equals(fromEffort)) {
            throw ErrorMapping.invalidField("reasoning_effort", "'reasoning_effort' and"
                    + " 'chat_template_kwargs.enable_thinking' disagree.").toException();
        }
        return enable != null ? enable : fromEffort;
    }
}
