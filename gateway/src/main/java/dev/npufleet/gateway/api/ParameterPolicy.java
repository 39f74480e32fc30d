package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JobKind;
import java.util.Iterator;
import java.util.Set;

/**
 * What the gateway does with each field of an OpenAI chat or completion body: every field is
 * honoured, accepted because it cannot change the answer, or refused with a 400 naming it. A field
 * this table does not know is refused too ({@code unknown_parameter}), as OpenAI refuses one, so a
 * client never believes a setting took effect when it did not. README.md's parameter table is this
 * class in prose. Stateless; any thread.
 */
final class ParameterPolicy {
    /** Fields read by {@link InferenceRequestParser} and honoured. */
    private static final Set<String> HONOURED = Set.of("model", "messages", "prompt", "stream", "stream_options",
            "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "seed", "stop",
            "frequency_penalty", "presence_penalty", "repeat_penalty", "repetition_penalty", "use_cache",
            "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "chat_template_kwargs");
    /** Labels and hints that do not change the answer. */
    private static final Set<String> NO_EFFECT = Set.of("user", "metadata", "store", "service_tier",
            "prompt_cache_key", "safety_identifier");
    /** Fields accepted only at their default value (checked below). */
    private static final Set<String> DEFAULT_ONLY = Set.of("n", "logprobs", "top_logprobs", "echo", "best_of",
            "suffix", "logit_bias", "response_format", "functions", "function_call", "modalities", "audio",
            "prediction", "web_search_options", "verbosity");

    private ParameterPolicy() {
    }

    /** @throws ApiException 400 for the first field that is unknown or set to a value that cannot be honoured */
    static void check(JsonNode root, JobKind kind) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!HONOURED.contains(name) && !NO_EFFECT.contains(name) && !DEFAULT_ONLY.contains(name)) {
                throw new ApiError(400, ErrorMapping.INVALID_REQUEST, "unknown_parameter", name,
                        "Unrecognized request argument supplied: " + name + ".").toException();
            }
        }
        rejectCounts(root, kind);
        rejectLogprobs(root, kind);
        rejectIfSet(root, "logit_bias", "logit_bias is not supported: the runtime takes no per-token bias.");
        rejectIfSet(root, "functions", "'functions' (the legacy form) is not supported; use 'tools'.");
        rejectIfSet(root, "function_call", "'function_call' (the legacy form) is not supported; use 'tool_choice'.");
        rejectIfSet(root, "audio", "Audio output is not supported.");
        rejectIfSet(root, "prediction", "Predicted outputs are not supported.");
        rejectIfSet(root, "web_search_options", "Web search is not supported.");
        rejectIfSet(root, "verbosity", "'verbosity' is not supported.");
        responseFormat(root);
        modalities(root);
        if (kind == JobKind.CHAT) {
            rejectIfSet(root, "suffix", "'suffix' is a completions parameter.");
        } else {
            String suffix = JsonFields.optionalString(root, "suffix", "suffix");
            if (suffix != null && !suffix.isEmpty()) {
                throw unsupported("suffix", "'suffix' (insertion) is not supported.");
            }
        }
    }

    private static void rejectCounts(JsonNode root, JobKind kind) {
        Integer n = JsonFields.optionalInt(root, "n", 1, Integer.MAX_VALUE);
        if (n != null && n > 1) {
            throw unsupported("n", "Only n=1 is supported.");
        }
        if (kind == JobKind.COMPLETION) {
            if (JsonFields.optionalBoolean(root, "echo", false)) {
                throw unsupported("echo", "echo is not supported.");
            }
            Integer bestOf = JsonFields.optionalInt(root, "best_of", 1, Integer.MAX_VALUE);
            if (bestOf != null && bestOf > 1) {
                throw unsupported("best_of", "Only best_of=1 is supported.");
            }
        } else {
            rejectIfSet(root, "echo", "'echo' is a completions parameter.");
            rejectIfSet(root, "best_of", "'best_of' is a completions parameter.");
        }
    }

    private static void rejectLogprobs(JsonNode root, JobKind kind) {
        if (kind == JobKind.CHAT && JsonFields.optionalBoolean(root, "logprobs", false)) {
            throw unsupported("logprobs", "logprobs are not supported: the runtime does not report them.");
        }
        if (kind == JobKind.COMPLETION) {
            Integer logprobs = JsonFields.optionalInt(root, "logprobs", 0, 20);
            if (logprobs != null && logprobs > 0) {
                throw unsupported("logprobs", "logprobs are not supported: the runtime does not report them.");
            }
        }
        Integer top = JsonFields.optionalInt(root, "top_logprobs", 0, 20);
        if (top != null && top > 0) {
            throw unsupported("top_logprobs", "top_logprobs are not supported: the runtime does not report them.");
        }
    }

    private static void responseFormat(JsonNode root) {
        if (!JsonFields.isSet(root, "response_format")) {
            return;
        }
        JsonNode format = root.get("response_format");
        String type = format.isObject() ? format.path("type").asText(null) : null;
        if (type == null) {
            throw ErrorMapping.invalidField("response_format",
                    "'response_format' must be an object with a 'type'.").toException();
        }
        switch (type) {
            case "text" -> {
            }
            case "json_object", "json_schema" -> throw unsupported("response_format", "response_format '" + type
                    + "' is not supported: the runtime cannot constrain its output to JSON, and this fleet does"
                    + " not pretend it does. Ask for JSON in the prompt and validate the answer yourself.");
            default -> throw ErrorMapping.invalidField("response_format",
                    "'response_format.type' must be 'text', 'json_object' or 'json_schema', was '" + type + "'.")
                    .toException();
        }
    }

    private static void modalities(JsonNode root) {
        if (!JsonFields.isSet(root, "modalities")) {
            return;
        }
        JsonNode m = root.get("modalities");
        if (!m.isArray() || m.size() != 1 || !"text".equals(m.get(0).asText())) {
            throw unsupported("modalities", "Only the 'text' modality is supported.");
        }
    }

    /** A field accepted only when absent, null, false or empty. */
    private static void rejectIfSet(JsonNode root, String name, String message) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull() || (v.isBoolean() && !v.booleanValue())
                || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.textValue().isEmpty())) {
            return;
        }
        throw unsupported(name, message);
    }

    private static ApiException unsupported(String param, String message) {
        return ErrorMapping.unsupported(param, message).toException();
    }
}
