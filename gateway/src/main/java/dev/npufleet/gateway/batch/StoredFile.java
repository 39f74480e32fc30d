package dev.npufleet.gateway.batch;

import java.util.Objects;

/**
 * An uploaded file: its id, name, purpose, creation time (epoch millis), bytes, and the owner id of the API key
 * that uploaded it (null with keys off). The array is the caller's: not copied, not to be changed.
 */
public record StoredFile(String id, String filename, String purpose, long createdAt, byte[] content, String owner) {
    public StoredFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(content, "content");
    }
}
