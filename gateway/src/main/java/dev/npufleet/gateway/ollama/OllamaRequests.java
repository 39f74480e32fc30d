package dev.npufleet.gateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.JsonFields;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.util.List;

/**
 * Translates Ollama's {@code /api/chat} and {@code /api/generate} bodies into the OpenAI bodies the gateway's one
 * generation path checks and runs. {@code stream} defaults to true, as in Ollama. {@code /api/generate} applies the
 * model's chat template to {@code prompt} (and {@code system}), so it becomes a chat job; with {@code raw: true} a
 * completion job of the prompt as written.
 *
 * <p>{@code format} ({@code "json"} or a schema), {@code tools} and {@code think} become the OpenAI body's
 * {@code response_format}, {@code tools} and thinking switch, so they are honoured or refused exactly as on the OpenAI
 * route; the answer's reasoning comes back as Ollama's {@code thinking}, its tool calls as {@code tool_calls}. What a
 * board cannot do yet is refused with a 400 that says so, never silently dropped: {@code images}, tool calls in the
 * history, and {@code /api/generate}'s {@code template}, {@code suffix} and {@code context}. {@code keep_alive} is accepted and has no effect: a board
 * keeps its model loaded for as long as its worker runs. Stateless; any thread.
 */
public final class OllamaRequests {
    private OllamaRequests() {
    }

    /** @throws dev.npufleet.gateway.api.ApiException (400) naming the field at fault */
    public static OllamaRequest chat(ObjectNode root) {
        String model = model(root);
        ObjectNode openAi = common(root, model);
        ArrayNode messages = openAi.putArray("messages");
        JsonNode given = root.get("messages");
        if (given != null && !given.isNull() && !given.isArray()) {
            throw ErrorMapping.invalidField("messages", "'messages' must be an array.").toException();
        }
        if (given != null) {
            for (int i = 0; i < given.size(); i++) {
                messages.add(message(given.get(i), "messages[" + i + "]"));
            }
        }
        mapOrRefuse(root, openAi);
        List<String> ignored = OllamaOptions.map(root.get("options"), openAi);
        String loadOnly = messages.isEmpty() ? loadReason(root) : null;
        return new OllamaRequest(JobKind.CHAT, openAi, model, true, stream(root), loadOnly, ignored);
    }

    /** @throws dev.npufleet.gateway.api.ApiException (400) naming the field at fault */
    public static OllamaRequest generate(ObjectNode root) {
        String model = model(root);
        ObjectNode openAi = common(root, model);
        String prompt = JsonFields.optionalString(root, "prompt", "prompt");
        String system = JsonFields.optionalString(root, "system", "system");
        boolean raw = JsonFields.optionalBoolean(root, "raw", false);
        for (String field : List.of("template", "suffix")) {
            String value = JsonFields.optionalString(root, field, field);
            if (value != null && !value.isEmpty()) {
                throw ErrorMapping.unsupported(field, "'" + field + "' is not supported: chat templates are "
                        + "managed per board.").toException();
            }
        }
        if (root.has("context") && !root.get("context").isNull() && !root.get("context").isEmpty()) {
            throw ErrorMapping.unsupported("context", "'context' is not supported: send the conversation to "
                    + "/api/chat instead.").toException();
        }
        mapOrRefuse(root, openAi);
        List<String> ignored = OllamaOptions.map(root.get("options"), openAi);
        boolean empty = (prompt == null || prompt.isEmpty()) && (system == null || system.isEmpty());
        if (raw && system != null && !system.isEmpty()) {
            throw ErrorMapping.unsupported("system", "'system' does not apply with 'raw': true; put it in the "
                    + "prompt.").toException();
        }
        if (raw) {
            openAi.put("prompt", prompt == null ? "" : prompt);
        } else {
            ArrayNode messages = openAi.putArray("messages");
            if (system != null && !system.isEmpty()) {
                messages.addObject().put("role", "system").put("content", system);
            }
            messages.addObject().put("role", "user").put("content", prompt == null ? "" : prompt);
        }
        return new OllamaRequest(raw ? JobKind.COMPLETION : JobKind.CHAT, openAi, model, false, stream(root),
                empty ? loadReason(root) : null, ignored);
    }

    private static String model(ObjectNode root) {
        String model = JsonFields.optionalString(root, "model", "model");
        if (model == null || model.isBlank()) {
            throw ErrorMapping.missingField("model").toException();
        }
        return model;
    }

    private static ObjectNode common(ObjectNode root, String model) {
        ObjectNode openAi = JsonCodec.mapper().createObjectNode();
        openAi.put("model", model);
        openAi.put("stream", stream(root));
        keepAlive(root);
        return openAi;
    }

    private static boolean stream(ObjectNode root) {
        return JsonFields.optionalBoolean(root, "stream", true);
    }

    private static ObjectNode message(JsonNode node, String param) {
        if (node == null || !node.isObject()) {
            throw ErrorMapping.invalidField(param, "'" + param + "' must be an object.").toException();
        }
        if (node.has("images") && !node.get("images").isNull() && !node.get("images").isEmpty()) {
            throw ErrorMapping.unsupported(param + ".images", "Images are not supported: the boards run text models.")
                    .toException();
        }
        if (node.has("tool_calls") && !node.get("tool_calls").isNull() && !node.get("tool_calls").isEmpty()) {
            throw ErrorMapping.unsupported(param + ".tool_calls", "Tool calling is not supported yet.").toException();
        }
        ObjectNode out = JsonCodec.mapper().createObjectNode();
        out.set("role", node.get("role"));
        out.set("content", node.has("content") ? node.get("content") : JsonCodec.mapper().nullNode());
        return out;
    }

    /**
     * {@code format}, {@code tools} and {@code think} become the OpenAI body's {@code response_format}, {@code tools} and
     * {@code chat_template_kwargs.enable_thinking} (or {@code reasoning_effort}), so the OpenAI route's rules decide them.
     */
    private static void mapOrRefuse(ObjectNode root, ObjectNode openAi) {
        if (root.has("images") && !root.get("images").isNull() && !root.get("images").isEmpty()) {
            throw ErrorMapping.unsupported("images", "Images are not supported: the boards run text models.")
                    .toException();
        }
        JsonNode format = root.get("format");
        if (format != null && format.isTextual() && format.textValue().equals("json")) {
            openAi.putObject("response_format").put("type", "json_object");
        } else if (format != null && format.isObject()) {
            ObjectNode schema = openAi.putObject("response_format").put("type", "json_schema").putObject("json_schema");
            schema.put("name", "ollama_format").set("schema", format);
        } else if (format != null && !format.isNull() && !(format.isTextual() && format.textValue().isEmpty())) {
            throw ErrorMapping.invalidField("format", "'format' must be \"json\" or a JSON schema object.")
                    .toException();
        }
        JsonNode think = root.get("think");
        if (think != null && think.isBoolean()) {
            openAi.putObject("chat_template_kwargs").put("enable_thinking", think.booleanValue());
        } else if (think != null && think.isTextual()) {
            openAi.put("reasoning_effort", think.textValue()); // "high", "medium", "low", as the OpenAI route takes them
        } else if (think != null && !think.isNull()) {
            throw ErrorMapping.invalidField("think", "'think' must be a boolean or \"high\", \"medium\", \"low\".")
                    .toException();
        }
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull() && !tools.isEmpty()) {
            openAi.set("tools", tools);
        }
    }

    /** {@code keep_alive} is a duration string ("5m", "-1") or a number of seconds; checked, then without effect. */
    private static void keepAlive(ObjectNode root) {
        JsonNode k = root.get("keep_alive");
        if (k != null && !k.isNull() && !k.isTextual() && !k.isNumber()) {
            throw ErrorMapping.invalidField("keep_alive", "'keep_alive' must be a duration string or a number.")
                    .toException();
        }
    }

    /** An empty request loads the model, or unloads it with {@code keep_alive} 0, in Ollama. */
    private static String loadReason(ObjectNode root) {
        JsonNode k = root.get("keep_alive");
        boolean zero = k != null && ((k.isNumber() && k.doubleValue() == 0)
                || (k.isTextual() && k.textValue().strip().matches("0+(\\.0+)?[a-z]*")));
        return zero ? "unload" : "load";
    }
}
