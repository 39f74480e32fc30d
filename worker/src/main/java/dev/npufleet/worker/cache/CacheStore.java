package dev.npufleet.worker.cache;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's prompt cache files: one data file and one JSON manifest per cache revision in one
 * directory, bounded in bytes and in the number of automatic caches (see {@link CacheEviction}:
 * automatic caches first, then least recently used; pinned caches stay; expired ones go). Knows
 * nothing of the engine: it keeps files and says which are valid for a fingerprint. Named and
 * automatic caches share the directory but not their life: the caches topic (deletions, new
 * revisions) only ever removes named caches' files.
 *
 * <p>Thread-safe (every method synchronizes): the job thread builds and uses files, the caches-topic
 * thread deletes revisions, the status thread lists them. The change listener runs under the
 * store's lock, so it must only signal (never call back into the store).
 */
public final class CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);

    private final Path dir;
    private final long maxBytes;
    private final int maxAutomatic;
    private final Clock clock;
    private final Runnable onChange;
    private final Map<String, CacheManifest> manifests = new HashMap<>();

    private CacheStore(Path dir, long maxBytes, int maxAutomatic, Clock clock, Runnable onChange) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxAutomatic = maxAutomatic;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Opens a store without a bound on automatic caches and without a change listener. */
    public static CacheStore open(Path dir, long maxBytes, Clock clock) {
        return open(dir, maxBytes, Integer.MAX_VALUE, clock, () -> { });
    }

    /**
     * Opens (and creates) the directory, keeps the consistent files and removes the rest.
     *
     * @param maxAutomatic automatic caches kept at most
     * @param onChange called after a file was added or removed (the status is published sooner)
     */
    public static CacheStore open(Path dir, long maxBytes, int maxAutomatic, Clock clock, Runnable onChange) {
        if (maxAutomatic < 0) {
            throw new IllegalArgumentException("maxAutomatic must not be negative: " + maxAutomatic);
        }
        Path normalized = dir.toAbsolutePath().normalize();
        CacheStore store = new CacheStore(normalized, maxBytes, maxAutomatic, clock, onChange);
        try {
            Files.createDirectories(normalized);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache directory " + normalized, e);
        }
        CacheScan.load(normalized).forEach(m -> store.manifests.put(m.name() + "@" + m.revision(), m));
        synchronized (store) {
            store.sweepExpired();
            store.evict(null);
        }
        return store;
    }

    public Path directory() {
        return dir;
    }

    /**
     * The valid file of this cache revision. A manifest with another fingerprint, an expired one,
     * or one whose file is gone or has another size is deleted: the caller builds anew.
     */
    public synchronized Optional<CacheManifest> find(String name, CacheFingerprint fingerprint) {
        CacheManifest m = manifests.get(name + "@" + fingerprint.revision());
        if (m == null) {
            return Optional.empty();
        }
        String stale = !m.fingerprint().equals(fingerprint) ? "fingerprint differs"
                : m.expiredAt(clock.millis()) ? "expired"
                : !sizeMatches(m) ? "file missing or resized" : null;
        if (stale != null) {
            delete(m, stale);
            return Optional.empty();
        }
        return Optional.of(m);
    }

    /** A fresh temporary path in the cache directory for the runtime to write a new cache file to. */
    public Path newBuildFile(String name) {
        return CacheFiles.inside(dir, CacheFiles.BUILD_PREFIX + name + "-" + UUID.randomUUID() + ".tmp");
    }

    /**
     * Adopts a file the runtime just wrote: moves it into place, writes its manifest, removes older
     * revisions of the same name (and kind: named or automatic), then evicts others if the
     * directory is over a bound.
     */
    public synchronized CacheManifest commit(Path built, CacheDefinitionInfo def, CacheFingerprint fingerprint,
            int prefixTokens) {
        String base = CacheFiles.baseName(def.name(), fingerprint.revision());
        Path data = CacheFiles.inside(dir, base + CacheFiles.DATA_SUFFIX);
        long now = clock.millis();
        try {
            long size = Files.size(built);
            Files.move(built, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            CacheManifest m = new CacheManifest(CacheManifest.VERSION, def.name(), fingerprint.revision(),
                    data.getFileName().toString(), fingerprint, size, prefixTokens, def.definedAt(), now, now, 0,
                    def.pinned() && !def.automatic(), def.expiresAt(), def.automatic());
            writeManifest(m);
            manifests.put(key(m), m);
            deleteWhere(o -> o.automatic() == m.automatic() && o.name().equals(m.name())
                    && !o.revision().equals(m.revision()) && o.definedAt() <= m.definedAt(),
                    "superseded by revision " + m.revision());
            evict(m);
            onChange.run();
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the cache file " + data, e);
        }
    }

    /** Counts one use of a file (hits, last use: what the LRU and the status report). */
    public synchronized CacheManifest recordUse(CacheManifest m) {
        CacheManifest current = manifests.get(key(m));
        if (current == null || !current.fingerprint().equals(m.fingerprint())) {
            return m; // deleted meanwhile: nothing to update
        }
        CacheManifest used = current.used(clock.millis());
        manifests.put(key(used), used);
        writeManifest(used);
        return used;
    }

    /** The data file of a manifest. */
    public Path fileOf(CacheManifest m) {
        return CacheFiles.inside(dir, m.file());
    }

    /** Deletes a file the runtime refused to load. */
    public synchronized void deleteCorrupt(CacheManifest m) {
        delete(m, "runtime could not load it");
    }

    /**
     * A tombstone: deletes every revision of the named cache {@code name} defined at or before
     * {@code timestamp} (automatic caches have no definition to delete, so they are left alone).
     */
    public synchronized int deleteDefinedBefore(String name, long timestamp) {
        return deleteWhere(m -> !m.automatic() && m.name().equals(name) && m.definedAt() <= timestamp,
                "cache deleted");
    }

    /** A (new) definition: deletes the other revisions of the named cache {@code name} defined no later than it. */
    public synchronized int retainRevision(String name, String revision, long definedAt) {
        return deleteWhere(m -> !m.automatic() && m.name().equals(name) && !m.revision().equals(revision)
                && m.definedAt() <= definedAt, "superseded by revision " + revision);
    }

    /** Deletes files whose definition's time to live is over. */
    public synchronized int sweepExpired() {
        long now = clock.millis();
        return deleteWhere(m -> m.expiredAt(now), "expired");
    }

    /** The files held, most recently used first. */
    public synchronized List<CacheManifest> entries() {
        List<CacheManifest> list = new ArrayList<>(manifests.values());
        list.sort(Comparator.comparingLong(CacheManifest::lastUsedAt).reversed());
        return list;
    }

    public synchronized long totalBytes() {
        return manifests.values().stream().mapToLong(CacheManifest::sizeBytes).sum();
    }

    private int deleteWhere(Predicate<CacheManifest> which, String why) {
        List<CacheManifest> doomed = manifests.values().stream().filter(which).toList();
        doomed.forEach(m -> delete(m, why));
        return doomed.size();
    }

    /** Removes what {@link CacheEviction} says until the bounds hold; pinned files and {@code keep} stay. */
    private void evict(CacheManifest keep) {
        CacheEviction.Plan plan = CacheEviction.plan(manifests.values(), maxBytes, maxAutomatic, keep);
        plan.victims().forEach(v -> delete(v.manifest(), v.reason()));
        if (plan.overBound()) {
            LOG.atWarn().addKeyValue("bytes", totalBytes()).addKeyValue("maxBytes", maxBytes)
                    .log("Cache directory over its bound with only pinned or in-use files left");
        }
    }

    private void delete(CacheManifest m, String why) {
        manifests.remove(key(m));
        try {
            Files.deleteIfExists(fileOf(m));
            Files.deleteIfExists(manifestPath(m));
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("cache", m.name()).setCause(e).log("Could not delete a cache file");
        }
        LOG.atInfo().addKeyValue("cache", m.name()).addKeyValue("revision", m.revision())
                .addKeyValue("bytes", m.sizeBytes()).log("Cache file removed: {}", why);
        onChange.run();
    }

    private boolean sizeMatches(CacheManifest m) {
        try {
            return Files.size(fileOf(m)) == m.sizeBytes();
        } catch (IOException e) {
            return false;
        }
    }

    private void writeManifest(CacheManifest m) {
        Path target = manifestPath(m);
        Path tmp = CacheFiles.inside(dir, CacheFiles.BUILD_PREFIX + target.getFileName() + ".tmp");
        try {
            Files.write(tmp, JsonCodec.encode(m));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache manifest " + target, e);
        }
    }

    private Path manifestPath(CacheManifest m) {
        return CacheFiles.inside(dir, CacheFiles.baseName(m.name(), m.revision()) + CacheFiles.MANIFEST_SUFFIX);
    }

    private static String key(CacheManifest m) {
        return m.name() + "@" + m.revision();
    }
}
