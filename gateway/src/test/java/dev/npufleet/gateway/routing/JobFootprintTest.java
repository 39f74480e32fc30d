package dev.npufleet.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.RoutingKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFootprintTest {
    private static final CacheDefinition CACHE = new CacheDefinition("m", "coding", "r7", null,
            List.of(ChatMessage.system("0123456789")), false, 0, 1);

    private static Job job(JobKind kind, List<ChatMessage> messages, String prompt, CacheDefinition cache) {
        return new Job(1, "job-1", "m", kind, messages, prompt, cache == null ? null : Job.CacheRef.of(cache), null,
                "events", 1, 0);
    }

    private static JobFootprint of(Job job) {
        return JobFootprint.of(job, RoutingKeys.forJob(job));
    }

    @Test
    void shouldCountANamedCachesPrefixAsWhatAHolderSkips() {
        JobFootprint f = of(job(JobKind.CHAT, List.of(ChatMessage.user("hello")), null, CACHE));

        assertThat(f.cacheName()).isEqualTo("coding");
        assertThat(f.cacheRevision()).isEqualTo("r7");
        assertThat(f.promptChars()).isEqualTo(15);
        assertThat(f.prefixChars()).isEqualTo(10);
        assertThat(f.namesCache()).isTrue();
    }

    @Test
    void shouldNameTheAutomaticCacheOfASystemPromptAfterItsRoutingKey() {
        Job job = job(JobKind.CHAT, List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), null, null);
        String key = RoutingKeys.forJob(job);

        JobFootprint f = JobFootprint.of(job, key);

        assertThat(f.cacheName()).isEqualTo("auto-" + key.substring("m/sys:".length())).hasSize(5 + 16);
        assertThat(f.cacheRevision()).isNull();
        assertThat(f.prefixChars()).isEqualTo(9);
        assertThat(f.promptChars()).isEqualTo(11);
        assertThat(f.namesCache()).isFalse();
    }

    @Test
    void shouldCountACacheBuildAsItsWholePrefixAndACompletionAsItsPrompt() {
        JobFootprint build = of(job(JobKind.CACHE_BUILD, List.of(), null, CACHE));
        JobFootprint completion = of(job(JobKind.COMPLETION, List.of(), "Once upon", null));

        assertThat(build.promptChars()).isEqualTo(10);
        assertThat(build.prefixChars()).isZero();
        assertThat(completion.cacheName()).isNull();
        assertThat(completion.promptChars()).isEqualTo(9);
        assertThat(completion.routingKey()).isEqualTo("job-1");
    }
}
