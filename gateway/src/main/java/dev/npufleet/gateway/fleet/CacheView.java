package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's view of the named cache definitions in the compacted caches topic (key
 * {@code model/name}), read from its beginning. Each entry remembers the offset it came from, so
 * that this gateway's own writes (applied as soon as the broker acknowledges them, for
 * read-your-writes) are not undone when the consumer later reads older records of the same key;
 * deletions stay as tombstone entries for the same reason.
 *
 * <p>Writes come from the state-consumer thread and from request threads (own writes); reads from
 * any thread.
 */
public final class CacheView {
    private static final Logger LOG = LoggerFactory.getLogger(CacheView.class);

    /** @param definition null for a deletion */
    private record Entry(CacheDefinition definition, long offset) {
    }

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean ready;

    /** A record of the caches topic; {@code value} null is a tombstone. */
    public void apply(String key, byte[] value, long offset) {
        if (key == null) {
            return;
        }
        CacheDefinition definition = null;
        if (value != null) {
            try {
                definition = JsonCodec.decode(value, CacheDefinition.class);
            } catch (ProtocolException e) {
                LOG.atWarn().addKeyValue("key", key).addKeyValue("offset", offset)
                        .log("skipping a cache definition that cannot be read: {}", e.getMessage());
                return;
            }
        }
        put(key, new Entry(definition, offset));
    }

    /** This gateway's own definition, acknowledged at {@code offset}. */
    public void applyOwn(CacheDefinition definition, long offset) {
        put(definition.key(), new Entry(definition, offset));
    }

    /** This gateway's own deletion, acknowledged at {@code offset}. */
    public void removeOwn(String model, String name, long offset) {
        put(CacheDefinition.key(model, name), new Entry(null, offset));
    }

    private void put(String key, Entry entry) {
        entries.merge(key, entry, (old, fresh) -> fresh.offset >= old.offset ? fresh : old);
    }

    /** The live (not deleted, not expired) definition, if any. */
    public Optional<CacheDefinition> find(String model, String name, long nowMillis) {
        Entry entry = entries.get(CacheDefinition.key(model, name));
        if (entry == null || entry.definition == null || entry.definition.expiredAt(nowMillis)) {
            return Optional.empty();
        }
        return Optional.of(entry.definition);
    }

    /** The model's live definitions, by name. */
    public List<CacheDefinition> list(String model, long nowMillis) {
        return entries.values().stream()
                .map(Entry::definition)
                .filter(d -> d != null && d.model().equals(model) && !d.expiredAt(nowMillis))
                .sorted(Comparator.comparing(CacheDefinition::name))
                .toList();
    }

    /** Set once the consumer has read up to the end the topic had when it started. */
    public void markReady() {
        ready = true;
    }

    public boolean isReady() {
        return ready;
    }
}
