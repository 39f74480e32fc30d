package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.prompt.ChatTemplate;
import dev.npufleet.worker.testing.FakeEngine;
import dev.npufleet.worker.testing.Jobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a repeated system prompt gets its automatic cache, and what that cache is. */
class AutoCachesTest {

    private static final ChatTemplate CHATML = ChatTemplate.named("chatml");
    private static final String SYSTEM_PREFIX = "<|im_start|>system\nYou answer from the manual.<|im_end|>\n";

    @TempDir
    Path dir;

    private final CacheStoreTest.MutableClock clock = new CacheStoreTest.MutableClock(1_000_000);
    private final FakeEngine engine = new FakeEngine();
    private CacheStore store;

    @Test
    void shouldBuildTheCacheOnTheSecondSightingAndLoadItAfterwards() {
        AutoCaches auto = autoCaches(2, 8);

        Optional<AutoCaches.Applied> first = apply(auto, job("You answer from the manual.", "one"));
        Optional<AutoCaches.Applied> second = apply(auto, job("You answer from the manual.", "two"));
        Optional<AutoCaches.Applied> third = apply(auto, job("You answer from the manual.", "three"));

        assertThat(first).isEmpty();
        assertThat(second).hasValueSatisfying(a -> {
            assertThat(a.prefix()).isEqualTo(SYSTEM_PREFIX);
            assertThat(a.prepared().built()).isTrue();
        });
        assertThat(third).hasValueSatisfying(a -> assertThat(a.prepared().built()).isFalse());
        assertThat(engine.prompts()).containsExactly(SYSTEM_PREFIX); // built once, by the second job
        assertThat(engine.loadedPrefix()).isEqualTo(SYSTEM_PREFIX);
    }

    @Test
    void shouldNameTheCacheAfterTheRoutingHashWithARevisionFromTheContent() {
        AutoCaches auto = autoCaches(1, 8);
        Job job = job("You answer from the manual.", "one");

        CacheManifest m = apply(auto, job).orElseThrow().prepared().manifest();

        String hash = SystemPrefix.of(job).orElseThrow().hash();
        assertThat(m.name()).isEqualTo("auto-" + hash);
        assertThat(m.revision()).isEqualTo(AutoCaches.revisionOf("chatml/1", SYSTEM_PREFIX)).matches("[0-9a-f]{32}");
        assertThat(m.automatic()).isTrue();
        assertThat(m.pinned()).isFalse();
        assertThat(m.prefixTokens()).isEqualTo(SYSTEM_PREFIX.length());
    }

    @Test
    void shouldUseAFileLeftByAnEarlierRunWithoutCountingAgain() {
        // Given a board that built the cache before a restart
        apply(autoCaches(1, 8), job("You answer from the manual.", "one"));

        // When a fresh instance (threshold 5) sees the prompt for the first time
        AutoCaches restarted = new AutoCaches(new PromptCaches(store, engine), CHATML, 5, Duration.ofMinutes(10), clock);

        // Then the file is used at once, not rebuilt
        assertThat(apply(restarted, job("You answer from the manual.", "two")))
                .hasValueSatisfying(a -> assertThat(a.prepared().built()).isFalse());
    }

    @Test
    void shouldCountDifferentSystemPromptsSeparately() {
        AutoCaches auto = autoCaches(2, 8);

        apply(auto, job("Prompt A.", "one"));

        assertThat(apply(auto, job("Prompt B.", "one"))).isEmpty();
        assertThat(apply(auto, job("Prompt A.", "two"))).isPresent();
    }

    @Test
    void shouldDoNothingWhenSwitchedOff() {
        AutoCaches auto = autoCaches(0, 8);

        for (int i = 0; i < 5; i++) {
            assertThat(apply(auto, job("You answer from the manual.", "q" + i))).isEmpty();
        }
        assertThat(auto.enabled()).isFalse();
        assertThat(engine.loads()).isZero();
    }

    @Test
    void shouldIgnoreJobsWithoutASystemPrompt() {
        AutoCaches auto = autoCaches(1, 8);
        Job noSystem = new Job(Protocol.VERSION, JobIds.newId(), "m", JobKind.CHAT, List.of(ChatMessage.user("Hi")),
                null, null, Jobs.greedy(8), "replies", 0, 0);

        assertThat(apply(auto, noSystem)).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheConfiguredNumberOfAutomaticCaches() {
        AutoCaches auto = autoCaches(1, 2);

        for (String system : List.of("A.", "B.", "C.")) {
            clock.advance(10);
            apply(auto, job(system, "Hi"));
        }

        assertThat(store.entries()).extracting(CacheManifest::name).hasSize(2)
                .doesNotContain(SystemPrefix.of(job("A.", "Hi")).orElseThrow().cacheName());
    }

    @Test
    void shouldRunWithoutACacheWhenTheBuildFails() {
        AutoCaches auto = autoCaches(1, 8);
        engine.failNextRun(new InferenceException(ErrorCode.RUNTIME_ERROR, "NPU hiccup"));

        assertThat(apply(auto, job("You answer from the manual.", "one"))).isEmpty();
        assertThat(engine.loadedPrefix()).isNull();
    }

    private AutoCaches autoCaches(int after, int max) {
        store = CacheStore.open(dir, 1 << 20, max, clock, () -> { });
        return new AutoCaches(new PromptCaches(store, engine), CHATML, after, Duration.ofMinutes(10), clock);
    }

    private static Optional<AutoCaches.Applied> apply(AutoCaches auto, Job job) {
        return auto.apply(job, CHATML.render(job.messages(), true));
    }

    private static Job job(String system, String user) {
        return new Job(Protocol.VERSION, JobIds.newId(), "m", JobKind.CHAT,
                List.of(ChatMessage.system(system), ChatMessage.user(user)), null, null, Jobs.greedy(8), "replies", 0, 0);
    }
}
