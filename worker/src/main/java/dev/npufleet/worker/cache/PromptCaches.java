package dev.npufleet.worker.cache;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.engine.PromptCacheLoadException;
import dev.npufleet.worker.engine.Sampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which prompt cache the engine holds, and getting the right one there: finds a valid file in the
 * {@link CacheStore} or builds it (a run of the prefix alone that saves its KV state), loads it,
 * and keeps it loaded across jobs that use the same file. A job without a cache runs with none.
 * Named caches come with their definition; automatic ones through {@link AutoCaches}.
 *
 * <p>Job thread only (it drives the engine).
 */
public final class PromptCaches {

    private static final Logger LOG = LoggerFactory.getLogger(PromptCaches.class);

    /**
     * A cache ready in the engine.
     *
     * @param built true when the file was (re)built for this job
     * @param buildMs time spent building (0 when the file was there)
     */
    public record Prepared(CacheManifest manifest, boolean built, long buildMs) {
    }

    /** The prefix run was aborted (cancel, revocation): the job stops, no file was kept. */
    public static final class BuildAborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BuildAborted(String name) {
            super("building cache " + name + " was aborted", null, false, false);
        }
    }

    private final CacheStore store;
    private final InferenceEngine engine;
    private CacheManifest loaded;

    public PromptCaches(CacheStore store, InferenceEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** Before a job without a cache: the runtime must not reuse another prompt's state. */
    public void useNone() {
        if (loaded != null) {
            engine.releasePromptCache();
            loaded = null;
        }
    }

    /**
     * Makes {@code def}'s cache the loaded one, building its file first if missing or stale, and
     * rebuilding once if the runtime refuses the file.
     *
     * @param prefix the rendered prefix text (the start of the job's prompt)
     * @param templateId the rendering's id (fingerprint part)
     * @throws BuildAborted when the engine was aborted while building
     */
    public Prepared use(CacheDefinition def, String prefix, String templateId) {
        return use(CacheDefinitionInfo.of(def), def.revision(), prefix, templateId);
    }

    /**
     * For a cache-build job: a valid file on this board, built only when missing or stale. The
     * file is not loaded.
     */
    public Prepared ensure(CacheDefinition def, String prefix, String templateId) {
        CacheFingerprint fingerprint = CacheFingerprint.of(engine.identity(), templateId, prefix, def.revision());
        Optional<CacheManifest> found = store.find(def.name(), fingerprint);
        if (found.isPresent()) {
            return new Prepared(found.get(), false, 0);
        }
        long t0 = System.nanoTime();
        CacheManifest m = build(CacheDefinitionInfo.of(def), prefix, fingerprint);
        return new Prepared(m, true, (System.nanoTime() - t0) / 1_000_000);
    }

    /** {@link #use(CacheDefinition, String, String)} for any cache, named or automatic. */
    Prepared use(CacheDefinitionInfo def, String revision, String prefix, String templateId) {
        CacheFingerprint fingerprint = CacheFingerprint.of(engine.identity(), templateId, prefix, revision);
        Optional<CacheManifest> found = store.find(def.name(), fingerprint);
        if (found.isPresent() && sameFile(loaded, found.get())) {
            return new Prepared(store.recordUse(found.get()), false, 0);
        }
        long buildMs = 0;
        CacheManifest m;
        if (found.isPresent()) {
            m = found.get();
        } else {
            long t0 = System.nanoTime();
            m = build(def, prefix, fingerprint);
            buildMs = (System.nanoTime() - t0) / 1_000_000;
        }
        try {
            load(m);
        } catch (PromptCacheLoadException e) {
            store.deleteCorrupt(m);
            if (found.isEmpty()) {
                throw new InferenceException(ErrorCode.RUNTIME_ERROR,
                        "the runtime cannot load the cache file it just built for " + def.name(), e);
            }
            LOG.atWarn().addKeyValue("cache", def.name()).log("Cache file refused by the runtime, rebuilding: {}",
                    e.getMessage());
            long t0 = System.nanoTime();
            m = build(def, prefix, fingerprint);
            buildMs = (System.nanoTime() - t0) / 1_000_000;
            load(m);
            found = Optional.empty();
        }
        return new Prepared(store.recordUse(m), found.isEmpty(), buildMs);
    }

    /** True when this board holds a valid file of the cache (nothing is built or loaded). */
    boolean holds(String name, String revision, String prefix, String templateId) {
        return store.find(name, CacheFingerprint.of(engine.identity(), templateId, prefix, revision)).isPresent();
    }

    private CacheManifest build(CacheDefinitionInfo def, String prefix, CacheFingerprint fingerprint) {
        // A loaded cache would be reused by the prefix run; the new file must hold a clean prefill.
        useNone();
        Path tmp = store.newBuildFile(def.name());
        try {
            EngineResult r = engine.run(new EngineRequest(prefix, 1, Sampling.GREEDY, 0, tmp), (id, text) -> { });
            if (r.outcome() == EngineResult.Outcome.ABORTED) {
                throw new BuildAborted(def.name());
            }
            if (!Files.isRegularFile(tmp)) {
                throw new InferenceException(ErrorCode.RUNTIME_ERROR,
                        "the runtime wrote no prompt cache file for " + def.name());
            }
            int tokens = r.promptTokens() >= 0 ? r.promptTokens() : r.prefillTokens();
            CacheManifest m = store.commit(tmp, def, fingerprint, tokens);
            LOG.atInfo().addKeyValue("cache", def.name()).addKeyValue("revision", fingerprint.revision())
                    .addKeyValue("tokens", tokens).addKeyValue("bytes", m.sizeBytes())
                    .log("Built {}prompt cache in {} ms", def.automatic() ? "automatic " : "",
                            Math.round(r.prefillMs()));
            return m;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void load(CacheManifest m) {
        useNone();
        engine.loadPromptCache(store.fileOf(m));
        loaded = m;
    }

    /** The same file, not only the same name: a rebuilt file has a new creation time. */
    private static boolean sameFile(CacheManifest a, CacheManifest b) {
        return a != null && a.name().equals(b.name()) && a.revision().equals(b.revision())
                && a.createdAt() == b.createdAt() && a.fingerprint().equals(b.fingerprint());
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LOG.atDebug().addKeyValue("file", tmp).log("Could not delete a temporary cache file");
        }
    }
}
