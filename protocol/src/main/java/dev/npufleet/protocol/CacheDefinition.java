package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named prompt cache: the prefix every request naming it starts with. Lives in the compacted
 * caches topic under key {@code model/name}; cache files never travel over Kafka, each board
 * builds its own from this definition.
 *
 * @param revision a new id each time the name is (re)defined, so a board never serves the
 *     file of an older definition of the same name
 * @param prompt the prefix as raw text (completions), or null
 * @param messages the prefix as chat messages (system turns), or empty
 * @param pin keep the file on disk whatever the LRU says
 * @param ttlSeconds the definition expires this long after its creation; 0 = never
 */
public record CacheDefinition(
        String model,
        String name,
        String revision,
        String prompt,
        List<ChatMessage> messages,
        boolean pin,
        long ttlSeconds,
        long createdAt) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public CacheDefinition {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(revision, "revision");
        requireValidName(name);
        messages = messages == null ? List.of() : List.copyOf(messages);
        if ((prompt == null) == messages.isEmpty()) {
            throw new IllegalArgumentException("a cache has either a prompt or messages, not both or neither");
        }
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttl_seconds must not be negative");
        }
    }

    /** True when {@code name} is 1–64 letters, digits, '.', '_' or '-' (and so never a path). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    public static void requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException(
                    "cache name must be 1-64 characters of letters, digits, '.', '_' or '-': " + name);
        }
    }

    /** The record key in the caches topic, which is also the routing key of jobs using this cache. */
    public String key() {
        return key(model, name);
    }

    public static String key(String model, String name) {
        return model + "/" + name;
    }

    public boolean isChat() {
        return prompt == null;
    }

    public boolean expiredAt(long nowMillis) {
        return ttlSeconds > 0 && nowMillis >= createdAt + ttlSeconds * 1000;
    }
}
