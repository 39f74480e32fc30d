package dev.npufleet.worker.cache;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.JsonCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's view of the compacted caches topic: the current definition of each cache name of
 * its model. Applying a record also removes the board's files the record makes obsolete (a
 * tombstone: all revisions; a new definition: the older revisions).
 *
 * <p>Threads: {@link #apply} from the caches-topic consumer thread; {@link #resolve} from the job
 * thread; both may run at once.
 */
public final class CacheDefinitionView {

    private static final Logger LOG = LoggerFactory.getLogger(CacheDefinitionView.class);

    private final String model;
    private final CacheStore store;
    private final Clock clock;
    private final Supplier<CompletableFuture<Void>> catchUp;
    private final Map<String, CacheDefinition> byName = new ConcurrentHashMap<>();

    /**
     * @param catchUp asks the consumer to read up to the topic's current end; the future
     *     completes when the view holds every record written before the call
     */
    public CacheDefinitionView(String model, CacheStore store, Clock clock, Supplier<CompletableFuture<Void>> catchUp) {
        this.model = model;
        this.store = store;
        this.clock = clock;
        this.catchUp = catchUp;
    }

    /** One record of the caches topic (a null value is a tombstone). */
    public void apply(String key, byte[] value, long timestamp) {
        String prefix = model + "/";
        if (key == null || !key.startsWith(prefix)) {
            return; // another model's cache
        }
        String name = key.substring(prefix.length());
        if (!CacheDefinition.isValidName(name)) {
            return;
        }
        if (value == null) {
            byName.remove(name);
            store.deleteDefinedBefore(name, timestamp);
            return;
        }
        try {
            CacheDefinition def = JsonCodec.decode(value, CacheDefinition.class);
            if (def.model().equals(model) && def.name().equals(name)) {
                byName.put(name, def);
                store.retainRevision(name, def.revision(), def.createdAt());
            }
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("key", key).log("Ignoring a bad cache definition: {}", e.getMessage());
        }
    }

    /**
     * The current, unexpired definition of {@code name}, after waiting up to {@code wait} for the
     * view to catch up with the topic (a Kafka-native job may name a cache defined a moment ago).
     */
    public Optional<CacheDefinition> resolve(String name, Duration wait) {
        try {
            catchUp.get().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.atDebug().addKeyValue("cache", name).log("Caches view not caught up in {}; using what it has", wait);
        } catch (ExecutionException e) {
            LOG.atDebug().addKeyValue("cache", name).log("Caches view catch-up failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return current(name);
    }

    /** The definition known now, without waiting. */
    public Optional<CacheDefinition> current(String name) {
        CacheDefinition def = byName.get(name);
        return def == null || def.expiredAt(clock.millis()) ? Optional.empty() : Optional.of(def);
    }
}
