package dev.npufleet.gateway.batch;

import java.util.Objects;

/**
 * What a file listing says of one stored file: everything but its bytes. Immutable.
 *
 * @param owner the uploading key's owner id, or null (uploaded without keys)
 */
public record FileInfo(String id, String filename, String purpose, long createdAt, long bytes, String owner) {
    public FileInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
        }
    }

    public static FileInfo of(StoredFile file) {
        return new FileInfo(file.id(), file.filename(), file.purpose(), file.createdAt(), file.content().length,
                file.owner());
    }
}
