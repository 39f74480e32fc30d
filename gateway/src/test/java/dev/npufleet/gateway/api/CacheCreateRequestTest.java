package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheCreateRequestTest {

    private static CacheCreateRequest parse(String json) {
        return CacheCreateRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadAPromptCacheWithPinAndTtl() {
        CacheCreateRequest r = parse("{\"cache_name\":\"a.b_c-1\",\"prompt\":\"You are...\",\"pin\":true,\"ttl_seconds\":60}");

        assertThat(r.name()).isEqualTo("a.b_c-1");
        assertThat(r.prompt()).isEqualTo("You are...");
        assertThat(r.pin()).isTrue();
        assertThat(r.ttlSeconds()).isEqualTo(60);
        assertThat(r.toDefinition("m", "rev", 5).key()).isEqualTo("m/a.b_c-1");
    }

    @Test
    void shouldMakeAPromptCacheTheSystemPromptAsRockchipLlamaDocumentsIt() {
        CacheCreateRequest r = parse("{\"cache_name\":\"coding\",\"prompt\":\"You are a coder.\"}");

        CacheDefinition d = r.toDefinition("m", "rev", 5);

        assertThat(d.isChat()).isTrue();
        assertThat(d.messages()).containsExactly(ChatMessage.system("You are a coder."));
        assertThat(d.prompt()).isNull();
    }

    @Test
    void shouldKeepARawPrefixAsTextBeforeTheInput() {
        CacheDefinition d = parse("{\"cache_name\":\"raw\",\"raw_prefix\":\"Q: \"}").toDefinition("m", "rev", 5);

        assertThat(d.isChat()).isFalse();
        assertThat(d.prompt()).isEqualTo("Q: ");
    }

    @Test
    void shouldReadAMessagesCache() {
        CacheCreateRequest r = parse("{\"cache_name\":\"s\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}]}");

        assertThat(r.messages()).containsExactly(ChatMessage.system("Be brief."));
        assertThat(r.toDefinition("m", "rev", 5).isChat()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"prompt\":\"x\"}                                                | cache_name",
        "{\"cache_name\":\"\",\"prompt\":\"x\"}                            | cache_name",
        "{\"cache_name\":\"auto-0123456789abcdef\",\"prompt\":\"x\"}      | cache_name",
        "{\"cache_name\":\"..\",\"prompt\":\"x\"}                          | cache_name",
        "{\"cache_name\":\"a b\",\"prompt\":\"x\"}                         | cache_name",
        "{\"cache_name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"prompt\":\"x\"} | cache_name",
        "{\"cache_name\":\"c\"}                                            | prompt",
        "{\"cache_name\":\"c\",\"prompt\":\"\"}                            | prompt",
        "{\"cache_name\":\"c\",\"raw_prefix\":\"\"}                        | raw_prefix",
        "{\"cache_name\":\"c\",\"prompt\":\"x\",\"raw_prefix\":\"y\"}      | raw_prefix",
        "{\"cache_name\":\"c\",\"messages\":[]}                            | messages",
        "{\"cache_name\":\"c\",\"prompt\":\"x\",\"ttl_seconds\":-1}        | ttl_seconds",
        "{\"cache_name\":\"c\",\"prompt\":\"x\",\"pin\":\"yes\"}           | pin",
    })
    void shouldAnswer400NamingTheFieldAtFault(String json, String param) {
        ApiError error = catchThrowableOfType(ApiException.class, () -> parse(json)).error();

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }
}
