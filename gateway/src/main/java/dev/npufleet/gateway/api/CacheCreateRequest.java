package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /v1/cache/{model}} body (RockchipLlama's shape): {@code cache_name} and one of
 * {@code prompt} (the system prompt, as RockchipLlama documents it: a chat using the cache is answered as
 * the same chat with that text as its system message), {@code messages} (the prefix turns, usually system
 * turns) or {@code raw_prefix} (text put before the input as it is, through no template: for
 * {@code /v1/completions}); optionally {@code pin} and {@code ttl_seconds}. Immutable.
 *
 * @param prompt the system prompt, or null
 * @param rawPrefix the raw text prefix, or null
 */
public record CacheCreateRequest(String name, String prompt, List<ChatMessage> messages, boolean pin,
        long ttlSeconds, String rawPrefix) {

    public CacheCreateRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    public CacheCreateRequest(String name, String prompt, List<ChatMessage> messages, boolean pin, long ttlSeconds) {
        this(name, prompt, messages, pin, ttlSeconds, null);
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
        String prompt = text(root, "prompt");
        String raw = text(root, "raw_prefix");
        List<ChatMessage> messages = messages(root);
        int given = (prompt == null ? 0 : 1) + (raw == null ? 0 : 1) + (messages.isEmpty() ? 0 : 1);
        if (given != 1) {
            throw ErrorMapping.invalidField(prompt == null && raw == null ? "prompt" : messages.isEmpty() ? "raw_prefix"
                    : "messages", "Give the cache's prefix as one of 'prompt' (the system prompt), 'messages' or"
                            + " 'raw_prefix'.").toException();
        }
        boolean pin = JsonFields.optionalBoolean(root, "pin", false);
        Long ttl = JsonFields.optionalLong(root, "ttl_seconds", 0, Long.MAX_VALUE / 1000);
        return new CacheCreateRequest(name, prompt, messages, pin, ttl == null ? 0 : ttl, raw);
    }

    private static String text(JsonNode root, String field) {
        String value = JsonFields.optionalString(root, field, field);
        if (value != null && value.isEmpty()) {
            throw ErrorMapping.invalidField(field, "'" + field + "' must not be empty.").toException();
        }
        return value;
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

    /**
     * The definition on the wire: a system prompt becomes one system message (so the board renders it
     * through the chat template, as the same text sent as a system message would be); a raw prefix is the
     * definition's {@code prompt}, which boards put before the input untouched.
     */
    public CacheDefinition toDefinition(String model, String revision, long nowMillis) {
        List<ChatMessage> turns = prompt != null ? List.of(ChatMessage.system(prompt)) : messages;
        return new CacheDefinition(model, name, revision, rawPrefix, turns, pin, ttlSeconds, nowMillis);
    }
}
