package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ChatOptions;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and validates OpenAI chat and completion request bodies; {@link ParameterPolicy} decides
 * which fields are honoured and which are refused (nothing is silently ignored). Immutable; any thread.
 */
public final class InferenceRequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** A seed the native runtime's 32-bit fields can hold. */
    private static final long MAX_SEED = (1L << 31) - 1;

    private final int defaultMaxTokens;

    public InferenceRequestParser(int defaultMaxTokens) {
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** @throws ApiException (400) naming the field at fault */
    public InferenceRequest parse(byte[] body, JobKind kind) {
        return parse(JsonFields.parseObject(body), kind);
    }

    /** The same checks on a body already parsed (the {@code body} of an asynchronous job or a batch line). */
    public InferenceRequest parse(ObjectNode root, JobKind kind) {
        String model = JsonFields.requiredString(root, "model", "model");
        if (model.isBlank()) {
            throw ErrorMapping.invalidField("model", "'model' must not be empty.").toException();
        }
        List<ChatMessage> messages = kind == JobKind.CHAT ? messages(root) : List.of();
        String prompt = kind == JobKind.COMPLETION ? prompt(root) : null;
        ParameterPolicy.check(root, kind);
        boolean stream = JsonFields.optionalBoolean(root, "stream", false);
        boolean includeUsage = stream && JsonFields.isSet(root, "stream_options")
                && JsonFields.optionalBoolean(streamOptions(root), "include_usage", false);
        String cache = JsonFields.optionalString(root, "use_cache", "use_cache");
        if (cache != null && !CacheDefinition.isValidName(cache)) {
            throw ErrorMapping.invalidField("use_cache",
                    "'use_cache' must be 1-64 letters, digits, '.', '_' or '-'.").toException();
        }
        String maxTokensParam = JsonFields.isSet(root, "max_completion_tokens") ? "max_completion_tokens"
                : JsonFields.isSet(root, "max_tokens") ? "max_tokens" : null;
        ChatOptions chat = kind == JobKind.CHAT ? ChatOptionsParser.parse(root) : null;
        if (kind == JobKind.COMPLETION) {
            for (String field : new String[] {"tools", "tool_choice", "reasoning_effort", "chat_template_kwargs"}) {
                if (JsonFields.isSet(root, field)) {
                    throw ErrorMapping.unsupported(field, "'" + field + "' is a chat parameter.").toException();
                }
            }
        }
        return new InferenceRequest(kind, model, messages, prompt, stream, includeUsage, params(root), cache,
                maxTokensParam, chat);
    }

    GenerationParams params(JsonNode root) {
        Integer maxTokens = JsonFields.optionalInt(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = JsonFields.optionalInt(root, "max_tokens", 1, Integer.MAX_VALUE);
        }
        Double repeat = JsonFields.optionalDouble(root, "repeat_penalty", 0.0, 10.0);
        if (repeat == null) {
            repeat = JsonFields.optionalDouble(root, "repetition_penalty", 0.0, 10.0);
        }
        Double topP = JsonFields.optionalDouble(root, "top_p", 0.0, 1.0);
        if (topP != null && topP == 0.0) {
            throw ErrorMapping.invalidField("top_p", "'top_p' must be greater than 0.").toException();
        }
        Long seed = JsonFields.optionalLong(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        return new GenerationParams(
                maxTokens == null ? defaultMaxTokens : maxTokens,
                JsonFields.optionalDouble(root, "temperature", 0.0, 2.0),
                topP,
                JsonFields.optionalInt(root, "top_k", 0, Integer.MAX_VALUE),
                // A re-run after a worker crash must produce the text already delivered: every job
                // carries a seed, the client's or one chosen here.
                seed != null ? seed : ThreadLocalRandom.current().nextLong(MAX_SEED),
                stop(root),
                JsonFields.optionalDouble(root, "frequency_penalty", -2.0, 2.0),
                JsonFields.optionalDouble(root, "presence_penalty", -2.0, 2.0),
                repeat,
                seed != null ? Boolean.TRUE : null);
    }

    private static List<ChatMessage> messages(JsonNode root) {
        if (!JsonFields.isSet(root, "messages")) {
            throw ErrorMapping.missingField("messages").toException();
        }
        JsonNode array = root.get("messages");
        if (!array.isArray() || array.isEmpty()) {
            throw ErrorMapping.invalidField("messages", "'messages' must be a non-empty array.").toException();
        }
        List<ChatMessage> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    /** Parses one chat message; also used for the prefix messages of a named cache. */
    public static ChatMessage message(JsonNode node, String param) {
        if (node == null || !node.isObject()) {
            throw ErrorMapping.invalidField(param, "'" + param + "' must be an object.").toException();
        }
        String role = JsonFields.requiredString(node, "role", param + ".role");
        if (!ROLES.contains(role)) {
            throw ErrorMapping.invalidField(param + ".role",
                    "'" + param + ".role' must be one of " + ROLES + ", was '" + role + "'.").toException();
        }
        // OpenAI's newer "developer" turn is the system turn of models that predate it.
        String text = content(node.get("content"), param);
        List<ToolCall> calls = role.equals("assistant") ? ToolCalls.parse(node.get("tool_calls"), param) : List.of();
        String callId = null;
        if (role.equals("tool")) {
            callId = JsonFields.requiredString(node, "tool_call_id", param + ".tool_call_id");
        }
        return new ChatMessage(role.equals("developer") ? "system" : role, text, calls, callId);
    }

    private static String content(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw ErrorMapping.invalidField(param + ".content",
                    "'" + param + ".content' must be a string or an array of text parts.").toException();
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + ".content[" + i + "]";
            if (!part.isObject() || !"text".equals(part.path("type").asText())) {
                throw ErrorMapping.unsupported(partParam, "Only text content parts are supported.").toException();
            }
            text.append(JsonFields.requiredString(part, "text", partParam + ".text"));
        }
        return text.toString();
    }

    private static String prompt(JsonNode root) {
        if (!JsonFields.isSet(root, "prompt")) {
            throw ErrorMapping.missingField("prompt").toException();
        }
        JsonNode prompt = root.get("prompt");
        if (prompt.isTextual()) {
            return prompt.textValue();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).textValue();
        }
        if (prompt.isArray() && prompt.size() > 1) {
            throw ErrorMapping.unsupported("prompt", "Only one prompt per request is supported.").toException();
        }
        throw ErrorMapping.invalidField("prompt", "'prompt' must be a string.").toException();
    }

    private static List<String> stop(JsonNode root) {
        if (!JsonFields.isSet(root, "stop")) {
            return List.of();
        }
        JsonNode stop = root.get("stop");
        if (stop.isTextual()) {
            return List.of(stop.textValue());
        }
        if (stop.isArray() && stop.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ErrorMapping.invalidField("stop", "'stop' must hold strings.").toException();
                }
                out.add(s.textValue());
            }
            return out;
        }
        throw ErrorMapping.invalidField("stop", "'stop' must be a string or an array of at most 4 strings.")
                .toException();
    }

    private static JsonNode streamOptions(JsonNode root) {
        JsonNode options = root.get("stream_options");
        if (!options.isObject()) {
            throw ErrorMapping.invalidField("stream_options", "'stream_options' must be an object.").toException();
        }
        return options;
    }

}
