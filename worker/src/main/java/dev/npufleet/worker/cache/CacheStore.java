package dev.npufleet.worker.cache;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's prompt cache files: one data file and one JSON manifest per cache revision in one
 * directory, bounded in bytes (least recently used first out; pinned caches stay; expired ones go).
 * Knows nothing of the engine: it keeps files and says which are valid for a fingerprint.
 *
 * <p>Thread-safe (every method synchronizes): the job thread builds and uses files, the caches-topic
 * thread deletes revisions, the status thread lists them.
 */
public final class CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private final Map<String, CacheManifest> manifests = new HashMap<>();

    private CacheStore(Path dir, long maxBytes, Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** Opens (and creates) the directory, keeps the consistent files and removes the rest. */
    public static CacheStore open(Path dir, long maxBytes, Clock clock) {
        Path normalized = dir.toAbsolutePath().normalize();
        CacheStore store = new CacheStore(normalized, maxBytes, clock);
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
     * revisions of the same name, then evicts others if the directory is over its bound.
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
                    def.pinned(), def.expiresAt());
            writeManifest(m);
            manifests.put(key(m), m);
            retainRevision(def.name(), fingerprint.revision(), def.definedAt());
            evict(m);
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

    /** A tombstone: deletes every revision of {@code name} defined at or before {@code timestamp}. */
    public synchronized int deleteDefinedBefore(String name, long timestamp) {
        return deleteWhere(m -> m.name().equals(name) && m.definedAt() <= timestamp, "cache deleted");
    }

    /** A (new) definition: deletes the other revisions of {@code name} defined no later than it. */
    public synchronized int retainRevision(String name, String revision, long definedAt) {
        return deleteWhere(m -> m.name().equals(name) && !m.revision().equals(revision)
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

    private int deleteWhere(java.util.function.Predicate<CacheManifest> which, String why) {
        List<CacheManifest> doomed = manifests.values().stream().filter(which).toList();
        doomed.forEach(m -> delete(m, why));
        return doomed.size();
    }

    /** Least recently used out until the bound holds; pinned files and {@code keep} stay. */
    private void evict(CacheManifest keep) {
        long total = totalBytes();
        while (total > maxBytes) {
            Optional<CacheManifest> victim = manifests.values().stream()
                    .filter(m -> !m.pinned() && (keep == null || !key(m).equals(key(keep))))
                    .min(Comparator.comparingLong(CacheManifest::lastUsedAt));
            if (victim.isEmpty()) {
                LOG.atWarn().addKeyValue("bytes", total).addKeyValue("maxBytes", maxBytes)
                        .log("Cache directory over its bound with only pinned or in-use files left");
                return;
            }
            delete(victim.get(), "evicted (least recently used)");
            total -= victim.get().sizeBytes();
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

    /** Reads a directory at open. */
    private static final class CacheScan {
        static List<CacheManifest> load(Path dir) {
            List<CacheManifest> kept = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the cache directory " + dir, e);
            }
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (n.endsWith(CacheFiles.MANIFEST_SUFFIX) && !n.startsWith(".")) {
                    CacheManifest m = readConsistent(dir, p);
                    if (m != null) {
                        kept.add(m);
                    }
                }
            }
            for (Path p : files) {
                String n = p.getFileName().toString();
                boolean orphan = n.endsWith(CacheFiles.DATA_SUFFIX) && kept.stream().noneMatch(m -> m.file().equals(n));
                if (orphan || n.startsWith(CacheFiles.BUILD_PREFIX)) {
                    deleteQuietly(p, "left over from an interrupted build or without a manifest");
                }
            }
            return kept;
        }

        private static CacheManifest readConsistent(Path dir, Path manifestFile) {
            try {
                CacheManifest m = JsonCodec.decode(Files.readAllBytes(manifestFile), CacheManifest.class);
                String base = CacheFiles.baseName(m.name(), m.revision());
                Path data = CacheFiles.inside(dir, m.file());
                if (m.version() == CacheManifest.VERSION && m.file().equals(base + CacheFiles.DATA_SUFFIX)
                        && manifestFile.getFileName().toString().equals(base + CacheFiles.MANIFEST_SUFFIX)
                        && Files.isRegularFile(data) && Files.size(data) == m.sizeBytes()) {
                    return m;
                }
                deleteQuietly(data, "does not match its manifest");
            } catch (IOException | RuntimeException e) {
                LOG.atWarn().addKeyValue("file", manifestFile).log("Unreadable cache manifest: {}", e.getMessage());
            }
            deleteQuietly(manifestFile, "inconsistent manifest");
            return null;
        }

        private static void deleteQuietly(Path p, String why) {
            try {
                if (Files.deleteIfExists(p)) {
                    LOG.atInfo().addKeyValue("file", p.getFileName()).log("Removed cache file: {}", why);
                }
            } catch (IOException e) {
                LOG.atWarn().addKeyValue("file", p).setCause(e).log("Could not remove a cache file");
            }
        }
    }
}
