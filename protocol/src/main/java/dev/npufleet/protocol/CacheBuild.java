package dev.npufleet.protocol;

/**
 * The result of building a named cache's file on one board.
 *
 * @param built false when a valid file was already there (nothing was computed)
 * @param tokens the prefix's length in tokens
 */
public record CacheBuild(String worker, String name, String revision, boolean built, long sizeBytes, long buildMs,
        int tokens) {
}
