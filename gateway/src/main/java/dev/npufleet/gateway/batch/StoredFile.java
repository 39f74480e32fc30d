package dev.npufleet.gateway.batch;

import java.util.Objects;

/**
 * An uploaded file: its id, name, purpose, creation time (epoch millis) and bytes. The array is
 * the caller's: not copied, not to be changed.
 */
public record StoredFile(String id, String filename, String purpose, long createdAt, byte[] content) {
    public StoredFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(content, "content");
    }
}
