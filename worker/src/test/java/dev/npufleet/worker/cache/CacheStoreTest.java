package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_000_000);

    @Test
    void shouldFindACommittedFileByNameAndFingerprint() throws IOException {
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        CacheManifest m = commit(store, "docs", "r1", 100, false, 0);

        assertThat(store.find("docs", fp("r1"))).contains(m);
        assertThat(Files.size(store.fileOf(m))).isEqualTo(100);
        assertThat(dir.resolve("docs@r1.kvcache")).exists();
        assertThat(dir.resolve("docs@r1.json")).exists();
    }

    @Test
    void shouldDeleteAFileWhoseFingerprintDiffers() throws IOException {
        // Given a file built for one model
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        CacheManifest m = commit(store, "docs", "r1", 100, false, 0);

        // When a job asks for it with another model's fingerprint
        CacheFingerprint otherModel = new CacheFingerprint("other-model", "rt", "1.3.0", "chatml/1", "p", "r1");

        // Then it is not served, and it is gone from disk (the caller rebuilds)
        assertThat(store.find("docs", otherModel)).isEmpty();
        assertThat(store.fileOf(m)).doesNotExist();
        assertThat(store.entries()).isEmpty();
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedButKeepPinnedFiles() throws IOException {
        // Given room for three 100-byte files and a pinned old one
        CacheStore store = CacheStore.open(dir, 300, clock);
        commit(store, "pinned", "r", 100, true, 0);
        clock.advance(10);
        CacheManifest older = commit(store, "older", "r", 100, false, 0);
        clock.advance(10);
        CacheManifest newer = commit(store, "newer", "r", 100, false, 0);
        clock.advance(10);
        store.recordUse(older); // "older" is now the most recently used

        // When a fourth file comes
        clock.advance(10);
        commit(store, "fourth", "r", 100, false, 0);

        // Then the least recently used unpinned one ("newer") went
        assertThat(store.entries()).extracting(CacheManifest::name).containsExactlyInAnyOrder("pinned", "older", "fourth");
        assertThat(store.fileOf(newer)).doesNotExist();
        assertThat(store.totalBytes()).isLessThanOrEqualTo(300);
    }

    @Test
    void shouldKeepANewFileLargerThanTheBound() throws IOException {
        CacheStore store = CacheStore.open(dir, 50, clock);
        commit(store, "big", "r", 100, false, 0);
        assertThat(store.find("big", fp("r"))).isPresent();
    }

    @Test
    void shouldRemoveFilesWhoseTimeToLiveIsOver() throws IOException {
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        commit(store, "short", "r", 10, false, clock.millis() + 1000);
        commit(store, "forever", "r", 10, false, 0);

        clock.advance(1000);

        assertThat(store.find("short", fp("r"))).isEmpty();
        assertThat(store.sweepExpired()).isZero(); // find already removed it
        assertThat(store.entries()).extracting(CacheManifest::name).containsExactly("forever");
    }

    @Test
    void shouldDeleteOlderRevisionsWhenANewOneIsCommitted() throws IOException {
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        CacheManifest r1 = commit(store, "docs", "r1", 10, false, 0);
        clock.advance(5);
        commit(store, "docs", "r2", 10, false, 0);

        assertThat(store.fileOf(r1)).doesNotExist();
        assertThat(store.entries()).extracting(CacheManifest::revision).containsExactly("r2");
    }

    @Test
    void shouldDeleteEveryRevisionOnATombstoneButNotARevisionDefinedLater() throws IOException {
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        commit(store, "docs", "r1", 10, false, 0);

        // a tombstone written before r2 was defined must not delete r2's file
        long tombstoneTime = clock.millis() + 1;
        clock.advance(10);
        commit(store, "docs", "r2", 10, false, 0);

        assertThat(store.deleteDefinedBefore("docs", tombstoneTime)).isZero();
        assertThat(store.deleteDefinedBefore("docs", clock.millis())).isEqualTo(1);
        assertThat(store.entries()).isEmpty();
    }

    @Test
    void shouldKeepConsistentFilesAndDropLeftoversWhenReopened() throws IOException {
        CacheStore first = CacheStore.open(dir, 1 << 20, clock);
        commit(first, "docs", "r1", 10, false, 0);
        Files.write(dir.resolve(".build-docs-123.tmp"), new byte[5]);
        Files.write(dir.resolve("orphan@r.kvcache"), new byte[5]);
        Files.writeString(dir.resolve("broken@r.json"), "{not json");
        Files.writeString(dir.resolve("notes.txt"), "an operator's file");

        CacheStore second = CacheStore.open(dir, 1 << 20, clock);

        assertThat(second.find("docs", fp("r1"))).isPresent();
        assertThat(dir.resolve(".build-docs-123.tmp")).doesNotExist();
        assertThat(dir.resolve("orphan@r.kvcache")).doesNotExist();
        assertThat(dir.resolve("broken@r.json")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).exists();
    }

    @Test
    void shouldDropAFileWhoseSizeNoLongerMatchesItsManifest() throws IOException {
        CacheStore store = CacheStore.open(dir, 1 << 20, clock);
        CacheManifest m = commit(store, "docs", "r1", 10, false, 0);
        Files.write(store.fileOf(m), new byte[3]); // truncated by a full disk, say

        assertThat(store.find("docs", fp("r1"))).isEmpty();
    }

    @Test
    void shouldKeepEveryFileNameInsideTheDirectory() {
        Path abs = dir.toAbsolutePath().normalize();
        assertThatThrownBy(() -> CacheFiles.inside(abs, "../escape.kvcache")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheFiles.inside(abs, "a/b.kvcache")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CacheFiles.inside(abs, "..a.kvcache").getParent()).isEqualTo(abs);
    }

    @Test
    void shouldHashARevisionThatIsNotASafeFileNamePart() {
        assertThat(CacheFiles.baseName("docs", "2024-01-01T00:00")).matches("docs@h[0-9a-f]{24}");
        assertThat(CacheFiles.baseName("docs", "../../etc")).doesNotContain("/");
        assertThat(CacheFiles.baseName("docs", "r-1_ok")).isEqualTo("docs@r-1_ok");
    }

    private CacheManifest commit(CacheStore store, String name, String revision, int bytes, boolean pin, long expires)
            throws IOException {
        Path built = store.newBuildFile(name);
        Files.write(built, new byte[bytes]);
        return store.commit(built, new CacheDefinitionInfo(name, pin, clock.millis(), expires, false), fp(revision), bytes / 10);
    }

    private static CacheFingerprint fp(String revision) {
        return new CacheFingerprint("model", "rt", "1.3.0", "chatml/1", "p", revision);
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
