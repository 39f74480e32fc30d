package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.worker.testing.Jobs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The automatic cache's name and the gateway's routing key agree on the system prompt's hash. */
class SystemPrefixTest {

    @Test
    void shouldNameTheCacheAfterTheRoutingKeysHash() {
        Job job = chat(ChatMessage.system("Be brief."), ChatMessage.system("Answer in French."), ChatMessage.user("Hi"));

        SystemPrefix prefix = SystemPrefix.of(job).orElseThrow();

        assertThat(RoutingKeys.forJob(job)).isEqualTo("m/sys:" + prefix.hash());
        assertThat(prefix.cacheName()).isEqualTo("auto-" + prefix.hash()).matches("auto-[0-9a-f]{16}");
        assertThat(prefix.messages()).extracting(ChatMessage::content).containsExactly("Be brief.", "Answer in French.");
    }

    @Test
    void shouldBeTheDocumentedHashOfTheSystemMessages() throws NoSuchAlgorithmException {
        // docs/PROTOCOL.md: 16 hex digits of SHA-256 of the system messages (each content, then a NUL)
        Job job = chat(ChatMessage.system("Be brief."), ChatMessage.system("Answer in French."), ChatMessage.user("Hi"));
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest("Be brief.\u0000Answer in French.\u0000".getBytes(StandardCharsets.UTF_8));

        assertThat(SystemPrefix.of(job).orElseThrow().hash()).isEqualTo(HexFormat.of().formatHex(digest, 0, 8));
    }

    @Test
    void shouldGiveEqualSystemPromptsTheSameHashWhateverFollows() {
        SystemPrefix a = SystemPrefix.of(chat(ChatMessage.system("S"), ChatMessage.user("one"))).orElseThrow();
        SystemPrefix b = SystemPrefix.of(chat(ChatMessage.system("S"), ChatMessage.user("two"),
                new ChatMessage("assistant", "x"), ChatMessage.user("three"))).orElseThrow();
        SystemPrefix c = SystemPrefix.of(chat(ChatMessage.system("T"), ChatMessage.user("one"))).orElseThrow();

        assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(c.hash());
    }

    @Test
    void shouldHaveNoPrefixWithoutALeadingSystemMessageOrWithANamedCacheOrForACompletion() {
        assertThat(SystemPrefix.of(chat(ChatMessage.user("Hi"), ChatMessage.system("late")))).isEmpty();
        Job named = Jobs.withCache(chat(ChatMessage.system("S"), ChatMessage.user("Hi")), new Job.CacheRef("docs", null),
                JobKind.CHAT);
        assertThat(SystemPrefix.of(named)).isEmpty();
        assertThat(SystemPrefix.of(Jobs.completion("m", "r", "S"))).isEmpty();
    }

    private static Job chat(ChatMessage... messages) {
        return new Job(Protocol.VERSION, JobIds.newId(), "m", JobKind.CHAT, List.of(messages), null, null,
                Jobs.greedy(8), "replies", System.currentTimeMillis(), 0);
    }
}
