package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /v1/cache/{model}} body (RockchipLlama's shape): {@code cache_name} and
 * either {@code prompt} (raw text) or {@code messages} (the prefix turns, usually system turns),
 * optionally {@code pin} and {@code ttl_seconds}. Immutable.
 */
public record CacheCreateRequest(String name, String prompt, List<ChatMessage> messages, boolean pin,
        long ttlSeconds) {

    public CacheCreateRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    /** @throws ApiException (400) naming the field at fault */
    public static CacheCreateRequest parse(byte[] body) {
        ObjectNode root = JsonFields.parseObject(body);
        String name = JsonFields.requiredString(root, "cache_name", "cache_name");
        if (!CacheDefinition.isValidName(name)) {
            throw ErrorMapping.invalidField("cache_name",
                    "'cache_name' must be 1-64 letters, digits, '.', '_' or '-'.").toException();
        }
        if (name.startsWith("auto-")) {
            // boards list their automatic caches of repeated system prompts as auto-<hash>
            throw ErrorMapping.invalidField("cache_name",
                    "'cache_name' must not start with 'auto-': that prefix names the boards' automatic caches.")
                    .toException();
        }
        String prompt = JsonFields.optionalString(root, "prompt", "prompt");
        List<ChatMessage> messages = messages(root);
        if ((prompt == null) == messages.isEmpty()) {
            throw ErrorMapping.invalidField(prompt == null ? "prompt" : "messages",
                    "Give the cache's prefix as either 'prompt' or 'messages', not both or neither.").toException();
        }
        if (prompt != null && prompt.isEmpty()) {
            throw ErrorMapping.invalidField("prompt", "'prompt' must not be empty.").toException();
        }
        boolean pin = JsonFields.optionalBoolean(root, "pin", false);
        Long ttl = JsonFields.optionalLong(root, "ttl_seconds", 0, Long.MAX_VALUE / 1000);
        return new CacheCreateRequest(name, prompt, messages, pin, ttl == null ? 0 : ttl);
    }

    private static List<ChatMessage> messages(JsonNode root) {
        if (!JsonFields.isSet(root, "messages")) {
            return List.of();
        }
        JsonNode array = root.get("messages");
        if (!array.isArray() || array.isEmpty()) {
            throw ErrorMapping.invalidField("messages", "'messages' must be a non-empty array.").toException();
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(InferenceRequestParser.message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    public CacheDefinition toDefinition(String model, String revision, long nowMillis) {
        return new CacheDefinition(model, name, revision, prompt, messages, pin, ttlSeconds, nowMillis);
    }
}
