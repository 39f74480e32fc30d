package dev.npufleet.worker.cache;

import dev.npufleet.protocol.CacheDefinition;

/**
 * What the store keeps of a cache definition with a file.
 *
 * @param definedAt the definition's creation time (epoch millis)
 * @param expiresAt when its time to live ends; 0 = never
 * @param automatic an automatic cache of a repeated system prompt, not a named definition
 */
public record CacheDefinitionInfo(String name, boolean pinned, long definedAt, long expiresAt, boolean automatic) {

    public static CacheDefinitionInfo of(CacheDefinition def) {
        long expires = def.ttlSeconds() > 0 ? def.createdAt() + def.ttlSeconds() * 1000 : 0;
        return new CacheDefinitionInfo(def.name(), def.pin(), def.createdAt(), expires, false);
    }

    /** An automatic cache: never pinned, no time to live (the LRU and its own bound remove it). */
    public static CacheDefinitionInfo automatic(String name) {
        return new CacheDefinitionInfo(name, false, 0, 0, true);
    }
}
