package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.fleet.ServingLimits;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.JobKind;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LimitCheckTest {
    private static final ServingLimits LIMITS = new ServingLimits(OptionalInt.of(100), OptionalInt.of(50),
            OptionalInt.of(2));

    private static InferenceRequest chat(String text, int maxTokens, String param) {
        return new InferenceRequest(JobKind.CHAT, "m", List.of(ChatMessage.user(text)), null, false, false,
                GenerationParams.defaults().withMaxTokens(maxTokens), null, param);
    }

    private static ApiError refused(InferenceRequest r, CacheDefinition cache, ServingLimits limits) {
        return catchThrowableOfType(ApiException.class, () -> LimitCheck.apply(r, cache, limits)).error();
    }

    @Test
    void shouldRefuseATokenLimitAboveTheBoardsNamingTheFieldTheClientUsed() {
        ApiError e = refused(chat("hi", 100_000_000, "max_tokens"), null, LIMITS);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.param()).isEqualTo("max_tokens");
        assertThat(e.message()).contains("100000000").contains("at most 50");
    }

    @Test
    void shouldLowerTheGatewaysDefaultToTheBoardsLimit() {
        InferenceRequest r = LimitCheck.apply(chat("hi", 512, null), null, LIMITS);

        assertThat(r.params().maxTokens()).isEqualTo(50);
    }

    @Test
    void shouldRefuseAPromptThatCannotFitWithTheNumbers() {
        ApiError e = refused(chat("x".repeat(200), 10, "max_tokens"), null, LIMITS);

        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.param()).isEqualTo("messages");
        assertThat(e.message()).contains("maximum context length is 100 tokens").contains("at least 100 tokens");
    }

    @Test
    void shouldCountTheNamedCachesPrefixInThePrompt() {
        CacheDefinition cache = new CacheDefinition("m", "c", "r1", null,
                List.of(ChatMessage.system("y".repeat(150))), false, 0, 1L);

        assertThat(refused(chat("x".repeat(60), 10, null), cache, LIMITS).code()).isEqualTo("context_length_exceeded");
    }

    @Test
    void shouldLeaveToTheBoardWhatTheFleetCannotTell() {
        InferenceRequest r = chat("x".repeat(100_000), 100_000, "max_tokens");

        assertThat(LimitCheck.apply(r, null, ServingLimits.UNKNOWN)).isEqualTo(r);
        assertThat(LimitCheck.apply(chat("x".repeat(199), 10, null), null, LIMITS).params().maxTokens()).isEqualTo(10);
    }

    @Test
    void shouldCountUtf8BytesAsTheEncoderWouldWithoutEncoding() {
        for (String text : List.of("", "plain ascii", "caf\u00e9 \u00fcber", "\u4f60\u597d\u4e16\u754c",
                "emoji \ud83d\ude00 and \ud83c\udf89", "lone high \ud83d end", "lone low \ude00 end",
                "high at the end \ud83d", "\u0080\u07ff\u0800\uffff")) {
            assertThat(LimitCheck.utf8(text)).as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
