package dev.npufleet.worker.cache;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cache directory when the store opens: keeps each manifest whose data file is there with
 * the size it names, and removes the rest (inconsistent manifests, orphan data files, leftovers of
 * interrupted builds). Stateless; called once, before the store is shared.
 */
final class CacheScan {

    private static final Logger LOG = LoggerFactory.getLogger(CacheScan.class);

    private CacheScan() {
    }

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
