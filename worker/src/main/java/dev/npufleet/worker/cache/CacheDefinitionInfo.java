package dev.npufleet.worker.cache;

import dev.npufleet.protocol.CacheDefinition;

/**
 * What the store keeps of a cache definition with a file.
 *
 * @param definedAt the definition's creation time (epoch millis)
 * @param expiresAt when its time to live ends; 0 = never
 */
public record CacheDefinitionInfo(String name, boolean pinned, long definedAt, long expiresAt) {

    public static CacheDefinitionInfo of(CacheDefinition def) {
        long expires = def.ttlSeconds() > 0 ? def.createdAt() + def.ttlSeconds() * 1000 : 0;
        return new CacheDefinitionInfo(def.name(), def.pin(), def.createdAt(), expires);
    }
}
