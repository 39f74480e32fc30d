package dev.npufleet.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One unit of work for a worker, as published to {@code npu.jobs.<model>}. The record key is
 * the routing key (see {@link RoutingKeys}); the reply events go to {@code replyTo}.
 *
 * @param v protocol version of the producer (see {@link Protocol#VERSION})
 * @param id time-ordered job id (UUIDv7, see {@link JobIds})
 * @param messages for {@link JobKind#CHAT}; for {@link JobKind#EMBEDDING}, the inputs, one per message
 * @param prompt for {@link JobKind#COMPLETION}
 * @param cache the named cache whose prefix goes in front of the input, or null; a
 *     Kafka-native producer may send only the name, then the worker resolves it from the
 *     caches topic
 * @param deadline epoch millis after which the job is dropped unstarted; 0 = none
 * @param chat a chat job's tools and thinking switch, or null (older producers: none)
 */
public record Job(
        int v,
        String id,
        String model,
        JobKind kind,
        List<ChatMessage> messages,
        String prompt,
        CacheRef cache,
        GenerationParams params,
        String replyTo,
        long createdAt,
        long deadline,
        ChatOptions chat) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(replyTo, "reply_to");
        messages = messages == null ? List.of() : List.copyOf(messages);
        params = params == null ? GenerationParams.defaults() : params;
        switch (kind) {
            case CHAT -> {
                if (messages.isEmpty()) {
                    throw new IllegalArgumentException("a chat job needs messages");
                }
            }
            case EMBEDDING -> {
                if (messages.isEmpty()) {
                    throw new IllegalArgumentException("an embedding job needs inputs (messages)");
                }
            }
            case COMPLETION -> {
                if (prompt == null) {
                    throw new IllegalArgumentException("a completion job needs a prompt");
                }
            }
            case CACHE_BUILD -> {
                if (cache == null) {
                    throw new IllegalArgumentException("a cache build job needs a cache");
                }
            }
        }
    }

    public Job(int v, String id, String model, JobKind kind, List<ChatMessage> messages, String prompt, CacheRef cache,
            GenerationParams params, String replyTo, long createdAt, long deadline) {
        this(v, id, model, kind, messages, prompt, cache, params, replyTo, createdAt, deadline, null);
    }

    /** The chat options, never null. */
    public ChatOptions chatOptions() {
        return chat == null ? ChatOptions.NONE : chat;
    }

    public boolean expiredAt(long nowMillis) {
        return deadline > 0 && nowMillis > deadline;
    }

    /**
     * The cache a job names: the name, and (when the producer knows it) the definition itself,
     * so the worker need not wait for the caches topic to catch up.
     */
    public record CacheRef(String name, CacheDefinition definition) {
        public CacheRef {
            CacheDefinition.requireValidName(name);
            if (definition != null && !definition.name().equals(name)) {
                throw new IllegalArgumentException("cache ref name " + name + " differs from its definition's");
            }
        }

        public static CacheRef of(CacheDefinition definition) {
            return new CacheRef(definition.name(), definition);
        }
    }
}
