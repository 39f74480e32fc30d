package dev.npufleet.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * What an {@link EventType#ACCEPTED} event says about an asynchronous job: the HTTP endpoint and
 * request it stands for, so that any gateway can answer a poll for a job it never saw. Immutable.
 *
 * @param endpoint the OpenAI path whose answer the job produces ({@code /v1/chat/completions} or
 *     {@code /v1/completions})
 * @param cache the named cache the request used, or null
 * @param metadata the client's own labels (never interpreted); empty when none
 * @param createdAt epoch millis, the job's {@code created_at}
 * @param deadline epoch millis after which the job is dropped unstarted; 0 = none
 * @param owner the owner id of the API key that created the job (derived from the key, never the key), or null
 *     when the gateway runs without keys; every gateway answers only that key (or an admin key) about the job
 */
public record JobAccepted(String endpoint, String model, String cache, Map<String, String> metadata, long createdAt,
        long deadline, String owner) {

    public JobAccepted {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(model, "model");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A job no key owns (keys off). */
    public JobAccepted(String endpoint, String model, String cache, Map<String, String> metadata, long createdAt,
            long deadline) {
        this(endpoint, model, cache, metadata, createdAt, deadline, null);
    }
}
