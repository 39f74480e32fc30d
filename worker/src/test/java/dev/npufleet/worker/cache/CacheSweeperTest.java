package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheSweeperTest {

    @TempDir
    Path dir;

    private final CacheStoreTest.MutableClock clock = new CacheStoreTest.MutableClock(1_000_000);

    @Test
    void shouldDeleteExpiredFilesOnItsOwnScheduleAndReportTheChange() throws IOException {
        // Given a store holding a file whose time to live is over, and one without an end
        AtomicInteger changes = new AtomicInteger();
        CacheStore store = CacheStore.open(dir, 1 << 20, 8, clock, changes::incrementAndGet);
        CacheManifest expiring = commit(store, "short", clock.millis() + 1000);
        commit(store, "forever", 0);
        clock.advance(1000);
        int before = changes.get();

        // When the sweeper runs (nothing else touches the store)
        try (CacheSweeper sweeper = CacheSweeper.start(store, "board-1", Duration.ofMillis(20))) {
            // Then the expired file goes, the other stays, and the removal is reported as a state change
            await().atMost(Duration.ofSeconds(10)).until(() -> store.entries().size() == 1);
            assertThat(store.entries()).extracting(CacheManifest::name).containsExactly("forever");
            assertThat(store.fileOf(expiring)).doesNotExist();
            assertThat(changes.get()).isGreaterThan(before);
        }
    }

    private CacheManifest commit(CacheStore store, String name, long expires) throws IOException {
        Path built = store.newBuildFile(name);
        Files.write(built, new byte[10]);
        return store.commit(built, new CacheDefinitionInfo(name, false, clock.millis(), expires, false),
                new CacheFingerprint("model", "rt", "1.3.0", "chatml/1", "p", "r"), 1);
    }
}
