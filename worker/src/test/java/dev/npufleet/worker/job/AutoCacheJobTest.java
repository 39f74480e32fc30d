package dev.npufleet.worker.job;

import static dev.npufleet.worker.testing.LoopFixture.MODEL;
import static dev.npufleet.worker.testing.LoopFixture.REPLIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.worker.testing.FakeEngine;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.LoopFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs with a repeated system prompt through the job loop: usage, timings and what the engine runs. */
class AutoCacheJobTest {

    private static final String SYSTEM = "You answer from the manual.";
    private static final String PREFIX = "<|im_start|>system\n" + SYSTEM + "<|im_end|>\n";

    @TempDir
    Path tmp;

    private LoopFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldBuildOnTheSecondJobAndCountThePrefixAsCachedFromThen() {
        // Given a worker that caches a system prompt seen twice
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true, 2).assigned();
        Job first = chat(SYSTEM, "Q1");
        Job second = chat(SYSTEM, "Q2");
        Job third = chat(SYSTEM, "Q3");

        // When three jobs with that system prompt run
        f.offer(first);
        f.offer(second);
        f.offer(third);
        f.spinUntil(() -> f.committed(f.p0) == 3);

        // Then the first ran without a cache, the second built it, the third only loaded it
        Event a = f.last(first.id());
        Event b = f.last(second.id());
        Event c = f.last(third.id());
        assertThat(a.usage().cachedTokens()).isZero();
        // the build prefilled the prefix for this job, so it saved nothing
        assertThat(b.usage().cachedTokens()).isZero();
        assertThat(b.usage().cacheHit()).isFalse();
        assertThat(c.usage().cachedTokens()).isEqualTo(PREFIX.length());
        assertThat(c.usage().cacheHit()).isTrue();
        assertThat(c.usage().promptTokens()).isEqualTo(a.usage().promptTokens());
        assertThat(b.timings().cacheBuildMs()).isGreaterThanOrEqualTo(0);
        assertThat(c.timings().cacheBuildMs()).isZero();
        assertThat(f.engine.prompts()).hasSize(4); // job 1, the build, job 2, job 3
        assertThat(f.engine.prompts().get(1)).isEqualTo(PREFIX);
        assertThat(f.text(third.id())).isEqualTo(f.text(first.id()));
        assertThat(f.registry.get("npufleet.worker.cache.builds").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldReleaseTheAutomaticCacheForAJobWithoutASystemPrompt() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true, 1).assigned();
        Job cached = chat(SYSTEM, "Q1");
        Job none = Jobs.chat(MODEL, REPLIES, null, "Q2");
        f.offer(cached);
        f.offer(none);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        // the first job built the automatic cache (threshold 1) and ran with it loaded
        assertThat(f.registry.get("npufleet.worker.cache.builds").counter().count()).isEqualTo(1);
        assertThat(f.last(cached.id()).usage().cacheHit()).isFalse(); // its own build prefilled the prefix
        assertThat(f.last(none.id()).usage().cachedTokens()).isZero();
        assertThat(f.engine.loadedPrefix()).isNull();
    }

    private static Job chat(String system, String user) {
        return new Job(Protocol.VERSION, JobIds.newId(), MODEL, JobKind.CHAT,
                List.of(ChatMessage.system(system), ChatMessage.user(user)), null, null, Jobs.greedy(8), REPLIES,
                System.currentTimeMillis(), 0);
    }
}
