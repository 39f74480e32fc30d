package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletionFormatTest {
    private final CompletionFormat chat = CompletionFormat.of(JobKind.CHAT, "J", "qwen", 1_700_000_000_999L, null);
    private final CompletionFormat text = CompletionFormat.of(JobKind.COMPLETION, "J", "qwen", 1_700_000_000_999L, "sys");

    private static JsonNode json(byte[] bytes) throws Exception {
        return JsonCodec.mapper().readTree(bytes);
    }

    @Test
    void shouldWriteChatChunksTheWayOpenAiDoes() throws Exception {
        JsonNode role = json(chat.roleChunk());
        JsonNode content = json(chat.textChunk("Hi \"there\"\n"));
        JsonNode finish = json(chat.finishChunk("length"));

        assertThat(role.path("id").asText()).isEqualTo("chatcmpl-J");
        assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.path("created").asLong()).isEqualTo(1_700_000_000L);
        assertThat(role.path("model").asText()).isEqualTo("qwen");
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(content.at("/choices/0/delta/content").asText()).isEqualTo("Hi \"there\"\n");
        assertThat(content.at("/choices/0/index").asInt()).isZero();
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void shouldWriteCompletionChunksWithText() throws Exception {
        JsonNode chunk = json(text.textChunk("abc"));

        assertThat(chunk.path("id").asText()).isEqualTo("cmpl-J");
        assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
        assertThat(chunk.at("/choices/0/text").asText()).isEqualTo("abc");
        assertThat(json(text.finishChunk(null)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void shouldWriteUsageWithCachedTokensAndTheRockchipLlamaFields() throws Exception {
        JsonNode usage = json(text.usageChunk(Usage.of(100, 20, 64)));

        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(100);
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(20);
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(120);
        assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(64);
        assertThat(usage.at("/usage/cache_hit").asBoolean()).isTrue();
        assertThat(usage.at("/usage/cached_prompts/0").asText()).isEqualTo("sys");
        assertThat(json(chat.usageChunk(Usage.of(1, 1, 0))).at("/usage/cached_prompts").isNull()).isTrue();
    }

    @Test
    void shouldWriteAWholeChatCompletion() throws Exception {
        JsonNode body = json(chat.completion("Hello", null, null));

        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/total_tokens").asInt()).isZero();
    }

    @Test
    void shouldFrameEventsWithAnIdAndTerminateWithDone() {
        assertThat(string(SseFrames.event(42, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("id: 42\ndata: {\"a\":1}\n\n");
        assertThat(string(SseFrames.error(ErrorMapping.timeout(java.time.Duration.ofSeconds(1)))))
                .startsWith("data: {\"error\":{").endsWith("}}\n\n");
        assertThat(string(SseFrames.done())).isEqualTo("data: [DONE]\n\n");
    }

    private static String string(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }
}
