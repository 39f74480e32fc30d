package dev.npufleet.worker.cache;

import java.util.Objects;

/**
 * The JSON file kept beside each cache file: what the file is valid for and how it is used.
 *
 * @param version manifest format version ({@link #VERSION})
 * @param file the cache file's name in the cache directory
 * @param prefixTokens prompt tokens the file holds
 * @param definedAt the definition's creation time: an older definition never removes a newer one's file
 * @param expiresAt epoch millis after which the file is removed; 0 = never
 * @param automatic an automatic cache of a repeated system prompt (no definition in the caches
 *     topic; never pinned; evicted before named caches). Absent in older manifests: false.
 */
public record CacheManifest(int version, String name, String revision, String file, CacheFingerprint fingerprint,
        long sizeBytes, int prefixTokens, long definedAt, long createdAt, long lastUsedAt, long hits,
        boolean pinned, long expiresAt, boolean automatic) {

    public static final int VERSION = 1;

    public CacheManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAt > 0 && nowMillis >= expiresAt;
    }

    CacheManifest used(long nowMillis) {
        return new CacheManifest(version, name, revision, file, fingerprint, sizeBytes, prefixTokens, definedAt,
                createdAt, nowMillis, hits + 1, pinned, expiresAt, automatic);
    }
}
