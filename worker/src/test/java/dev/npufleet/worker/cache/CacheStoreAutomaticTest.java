package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Automatic caches in the store: their own count bound, evicted first, untouched by the caches topic. */
class CacheStoreAutomaticTest {

    @TempDir
    Path dir;

    private final CacheStoreTest.MutableClock clock = new CacheStoreTest.MutableClock(1_000_000);
    private final AtomicInteger changes = new AtomicInteger();

    @Test
    void shouldEvictAutomaticCachesBeforeNamedOnesWhenTheDiskIsFull() throws IOException {
        // Given room for three files: an old named one, then two automatic ones used more recently
        CacheStore store = open(300, 8);
        commitNamed(store, "named", 100);
        clock.advance(10);
        commitAuto(store, "auto-1", 100);
        clock.advance(10);
        commitAuto(store, "auto-2", 100);

        // When a fourth file comes
        clock.advance(10);
        commitNamed(store, "other", 100);

        // Then the least recently used automatic one went, not the older named one
        assertThat(store.entries()).extracting(CacheManifest::name)
                .containsExactlyInAnyOrder("named", "auto-2", "other");
    }

    @Test
    void shouldKeepAtMostTheConfiguredNumberOfAutomaticCachesLeastRecentlyUsedOut() throws IOException {
        // Given a bound of two automatic caches, and named ones that do not count
        CacheStore store = open(1 << 20, 2);
        commitNamed(store, "named", 10);
        CacheManifest first = commitAuto(store, "auto-1", 10);
        clock.advance(10);
        commitAuto(store, "auto-2", 10);
        clock.advance(10);
        store.recordUse(first); // auto-1 is now the most recently used

        // When a third automatic cache is built
        clock.advance(10);
        commitAuto(store, "auto-3", 10);

        // Then auto-2 went
        assertThat(store.entries()).extracting(CacheManifest::name)
                .containsExactlyInAnyOrder("named", "auto-1", "auto-3");
    }

    @Test
    void shouldNeverPinAnAutomaticCache() throws IOException {
        CacheStore store = open(1 << 20, 8);
        Path built = store.newBuildFile("auto-1");
        Files.write(built, new byte[10]);

        CacheManifest m = store.commit(built, new CacheDefinitionInfo("auto-1", true, 0, 0, true), fp("a"), 1);

        assertThat(m.pinned()).isFalse();
        assertThat(m.automatic()).isTrue();
    }

    @Test
    void shouldLeaveAnAutomaticCacheAloneWhenTheCachesTopicDeletesOrRedefinesTheSameName() throws IOException {
        // Given an automatic cache, and a named cache that happens to have the same name
        CacheStore store = open(1 << 20, 8);
        commitAuto(store, "auto-1", 10);
        clock.advance(10);

        // When the caches topic defines a revision of that name, then deletes it
        store.retainRevision("auto-1", "r9", clock.millis());
        store.deleteDefinedBefore("auto-1", clock.millis());

        // Then the automatic file stays
        assertThat(store.entries()).extracting(CacheManifest::name).containsExactly("auto-1");
    }

    @Test
    void shouldRememberThatACacheIsAutomaticAcrossARestart() throws IOException {
        CacheStore first = open(1 << 20, 8);
        commitAuto(first, "auto-1", 10);
        commitNamed(first, "named", 10);

        CacheStore second = open(1 << 20, 8);

        assertThat(second.entries()).filteredOn(CacheManifest::automatic).extracting(CacheManifest::name)
                .containsExactly("auto-1");
    }

    @Test
    void shouldReadAManifestWrittenBeforeAutomaticCachesExistedAsNamed() throws IOException {
        CacheStore first = open(1 << 20, 8);
        commitNamed(first, "old", 10);
        Path manifest = dir.resolve("old@r1.json");
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replace(",\"automatic\":false", ""));
        assertThat(Files.readString(manifest)).doesNotContain("automatic");

        CacheStore second = open(1 << 20, 8);

        assertThat(second.entries()).singleElement().satisfies(m -> assertThat(m.automatic()).isFalse());
    }

    @Test
    void shouldSignalEveryFileAddedOrRemoved() throws IOException {
        CacheStore store = open(1 << 20, 1);
        commitAuto(store, "auto-1", 10);
        assertThat(changes).hasValue(1);

        clock.advance(10);
        commitAuto(store, "auto-2", 10); // evicts auto-1

        assertThat(changes).hasValue(3);
    }

    private CacheStore open(long maxBytes, int maxAutomatic) {
        return CacheStore.open(dir, maxBytes, maxAutomatic, clock, changes::incrementAndGet);
    }

    private CacheManifest commitNamed(CacheStore store, String name, int bytes) throws IOException {
        return commit(store, new CacheDefinitionInfo(name, false, clock.millis(), 0, false), "r1", bytes);
    }

    private CacheManifest commitAuto(CacheStore store, String name, int bytes) throws IOException {
        return commit(store, CacheDefinitionInfo.automatic(name), "a", bytes);
    }

    private static CacheManifest commit(CacheStore store, CacheDefinitionInfo info, String revision, int bytes)
            throws IOException {
        Path built = store.newBuildFile(info.name());
        Files.write(built, new byte[bytes]);
        return store.commit(built, info, fp(revision), bytes / 10);
    }

    private static CacheFingerprint fp(String revision) {
        return new CacheFingerprint("model", "rt", "1.3.0", "chatml/1", "p", revision);
    }
}
