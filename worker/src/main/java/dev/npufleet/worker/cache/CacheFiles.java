package dev.npufleet.worker.cache;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Names of a cache's files in the cache directory, and the check that a name stays inside it.
 * A file name is {@code <name>@<revision>.kvcache} (manifest: {@code .json}); a revision that is
 * not a safe file-name part is replaced by a hash of it. Stateless.
 */
final class CacheFiles {

    static final String DATA_SUFFIX = ".kvcache";
    static final String MANIFEST_SUFFIX = ".json";
    static final String BUILD_PREFIX = ".build-";

    private static final Pattern SAFE_REVISION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private CacheFiles() {
    }

    static String baseName(String name, String revision) {
        String rev = SAFE_REVISION.matcher(revision).matches()
                ? revision : "h" + CacheFingerprint.sha256(revision).substring(0, 24);
        return name + "@" + rev;
    }

    /**
     * {@code fileName} resolved in {@code dir}, refusing anything that would land elsewhere
     * (names are validated upstream; this is the second lock on the door).
     */
    static Path inside(Path dir, String fileName) {
        Path resolved = dir.resolve(fileName).normalize();
        if (!resolved.getParent().equals(dir) || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("cache file name escapes the cache directory: " + fileName);
        }
        return resolved;
    }
}
