package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.worker.engine.EngineIdentity;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.Sampling;
import dev.npufleet.worker.testing.FakeEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCachesTest {

    @TempDir
    Path dir;

    private final CacheDefinition docs = new CacheDefinition("m", "docs", "r1", null,
            List.of(ChatMessage.system("You answer from the manual.")), false, 0, 1);
    private final String prefix = "<|im_start|>system\nYou answer from the manual.<|im_end|>\n";

    @Test
    void shouldBuildTheFileOnFirstUseAndLoadIt() {
        FakeEngine engine = new FakeEngine();
        PromptCaches caches = new PromptCaches(CacheStore.open(dir, 1 << 20, Clock.systemUTC()), engine);

        PromptCaches.Prepared p = caches.use(docs, prefix, "chatml/1");

        assertThat(p.built()).isTrue();
        assertThat(p.manifest().prefixTokens()).isEqualTo(prefix.length());
        assertThat(engine.prompts()).containsExactly(prefix);
        assertThat(engine.loadedPrefix()).isEqualTo(prefix);
    }

    @Test
    void shouldKeepTheLoadedCacheForTheNextJobUsingIt() {
        FakeEngine engine = new FakeEngine();
        PromptCaches caches = new PromptCaches(CacheStore.open(dir, 1 << 20, Clock.systemUTC()), engine);
        caches.use(docs, prefix, "chatml/1");

        PromptCaches.Prepared second = caches.use(docs, prefix, "chatml/1");

        assertThat(second.built()).isFalse();
        assertThat(second.manifest().hits()).isEqualTo(2);
        assertThat(engine.loads()).isEqualTo(1);
    }

    @Test
    void shouldRebuildWhenTheFingerprintDiffers() {
        // Given a file built by one runtime build
        CacheStore store = CacheStore.open(dir, 1 << 20, Clock.systemUTC());
        new PromptCaches(store, new FakeEngine(new EngineIdentity("fake", "1.3.0", "runtime-A", "model"))).use(docs,
                prefix, "chatml/1");

        // When a worker with another runtime build uses the cache
        FakeEngine upgraded = new FakeEngine(new EngineIdentity("fake", "1.3.0", "runtime-B", "model"));
        PromptCaches.Prepared p = new PromptCaches(store, upgraded).use(docs, prefix, "chatml/1");

        // Then it was rebuilt, not loaded as it was
        assertThat(p.built()).isTrue();
        assertThat(p.manifest().fingerprint().runtimeHash()).isEqualTo("runtime-B");
        assertThat(upgraded.prompts()).containsExactly(prefix);
    }

    @Test
    void shouldDeleteAndRebuildAFileTheRuntimeRefuses() throws Exception {
        // Given a valid manifest whose file got corrupted (same size, garbage content)
        CacheStore store = CacheStore.open(dir, 1 << 20, Clock.systemUTC());
        CacheManifest m = new PromptCaches(store, new FakeEngine()).use(docs, prefix, "chatml/1").manifest();
        Files.write(store.fileOf(m), new byte[(int) m.sizeBytes()]);

        // When a fresh worker (nothing loaded) uses it
        FakeEngine engine = new FakeEngine();
        PromptCaches.Prepared p = new PromptCaches(store, engine).use(docs, prefix, "chatml/1");

        // Then the load failed, the file was rebuilt and loaded
        assertThat(p.built()).isTrue();
        assertThat(engine.loads()).isEqualTo(2);
        assertThat(engine.loadedPrefix()).isEqualTo(prefix);
    }

    @Test
    void shouldReleaseTheCacheForAJobWithoutOne() {
        FakeEngine engine = new FakeEngine();
        PromptCaches caches = new PromptCaches(CacheStore.open(dir, 1 << 20, Clock.systemUTC()), engine);
        caches.use(docs, prefix, "chatml/1");

        caches.useNone();
        caches.useNone();

        assertThat(engine.loadedPrefix()).isNull();
        assertThat(engine.releases()).isEqualTo(1);
    }

    @Test
    void shouldReportTheCachedPrefixAsNotPrefilled() {
        // The fake models the runtime's reuse of the longest matching prefix
        FakeEngine engine = new FakeEngine();
        PromptCaches caches = new PromptCaches(CacheStore.open(dir, 1 << 20, Clock.systemUTC()), engine);
        caches.use(docs, prefix, "chatml/1");
        String full = prefix + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";

        EngineResult r = engine.run(new EngineRequest(full, 4, Sampling.GREEDY, 1, null), (id, t) -> { });

        assertThat(r.promptTokens() - r.prefillTokens()).isEqualTo(prefix.length());
    }

    @Test
    void shouldVerifyWithoutRebuildingForACacheBuildJob() {
        FakeEngine engine = new FakeEngine();
        PromptCaches caches = new PromptCaches(CacheStore.open(dir, 1 << 20, Clock.systemUTC()), engine);

        assertThat(caches.ensure(docs, prefix, "chatml/1").built()).isTrue();
        assertThat(caches.ensure(docs, prefix, "chatml/1").built()).isFalse();
        assertThat(engine.prompts()).hasSize(1);
    }
}
