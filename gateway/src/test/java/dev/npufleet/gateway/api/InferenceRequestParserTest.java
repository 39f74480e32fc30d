package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.JobKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InferenceRequestParserTest {
    private final InferenceRequestParser parser = new InferenceRequestParser(256);

    private InferenceRequest chat(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), JobKind.CHAT);
    }

    private InferenceRequest completion(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), JobKind.COMPLETION);
    }

    private ApiError chatError(String json) {
        return catchThrowableOfType(ApiException.class, () -> chat(json)).error();
    }

    @Test
    void shouldReadWhatTheOpenAiSdkSendsAndIgnoreHarmlessExtras() {
        InferenceRequest r = chat("""
                {"model":"m","messages":[{"role":"developer","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}],
                 "stream":true,"stream_options":{"include_usage":true},"n":1,"user":"u","logprobs":false,
                 "metadata":{"a":"b"},"store":false,"tools":[],"response_format":{"type":"text"},
                 "max_completion_tokens":32,"temperature":0.7,"top_p":0.9,"seed":7,"stop":"END",
                 "frequency_penalty":0.1,"presence_penalty":-0.1,"repetition_penalty":1.1,"top_k":40}""");

        assertThat(r.model()).isEqualTo("m");
        assertThat(r.messages()).containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("Hi there"));
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.params().maxTokens()).isEqualTo(32);
        assertThat(r.params().temperature()).isEqualTo(0.7);
        assertThat(r.params().topP()).isEqualTo(0.9);
        assertThat(r.params().topK()).isEqualTo(40);
        assertThat(r.params().seed()).isEqualTo(7L);
        assertThat(r.params().stop()).containsExactly("END");
        assertThat(r.params().frequencyPenalty()).isEqualTo(0.1);
        assertThat(r.params().presencePenalty()).isEqualTo(-0.1);
        assertThat(r.params().repeatPenalty()).isEqualTo(1.1);
        assertThat(r.cacheName()).isNull();
    }

    @Test
    void shouldFillTheDefaultMaxTokensAndASeedWhenNotGiven() {
        InferenceRequest r = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(r.params().maxTokens()).isEqualTo(256);
        assertThat(r.params().seed()).isNotNull().isBetween(0L, (long) Integer.MAX_VALUE);
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
    }

    @Test
    void shouldNotSendAUsageChunkWhenNotStreaming() {
        InferenceRequest r = chat("""
                {"model":"m","stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""");

        assertThat(r.includeUsage()).isFalse();
    }

    @Test
    void shouldTakeAPromptStringOrASingleElementArray() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").prompt()).isEqualTo("abc");
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"abc\"],\"logprobs\":null,\"echo\":false}").prompt())
                .isEqualTo("abc");
    }

    @Test
    void shouldKeepTheCacheNameOfUseCache() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"x\",\"use_cache\":\"sys.v2\"}").cacheName())
                .isEqualTo("sys.v2");
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}                       | model",
        "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}         | model",
        "{\"model\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}            | model",
        "{\"model\":\"m\"}                                                            | messages",
        "{\"model\":\"m\",\"messages\":[]}                                            | messages",
        "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}                         | messages[0].role",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}     | messages[0].role",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]}           | messages[0].content",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]} | messages[0].content[0]",
        "{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}          | n",
        "{\"model\":\"m\",\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}          | n",
        "{\"model\":\"m\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | logprobs",
        "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}  | max_tokens",
        "{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}| max_tokens",
        "{\"model\":\"m\",\"temperature\":2.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}| temperature",
        "{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}| temperature",
        "{\"model\":\"m\",\"top_p\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}       | top_p",
        "{\"model\":\"m\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | stop",
        "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | stream",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | stream_options",
        "{\"model\":\"m\",\"use_cache\":\"no/slash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | use_cache",
    })
    void shouldAnswer400NamingTheFieldAtFault(String json, String param) {
        ApiError error = chatError(json);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\"}                                 | prompt",
        "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}        | prompt",
        "{\"model\":\"m\",\"prompt\":[1,2,3]}              | prompt",
        "{\"model\":\"m\",\"prompt\":\"x\",\"echo\":true}  | echo",
        "{\"model\":\"m\",\"prompt\":\"x\",\"best_of\":3}  | best_of",
        "{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":2} | logprobs",
    })
    void shouldRefuseCompletionFieldsItCannotHonour(String json, String param) {
        ApiError error = catchThrowableOfType(ApiException.class, () -> completion(json)).error();

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    @Test
    void shouldAnswer400InvalidJsonForABodyThatIsNotAJsonObject() {
        assertThat(chatError("[1,2]").code()).isEqualTo("invalid_json");
        assertThat(chatError("").code()).isEqualTo("invalid_json");
        assertThat(chatError("{\"model\":").code()).isEqualTo("invalid_json");
    }
}
