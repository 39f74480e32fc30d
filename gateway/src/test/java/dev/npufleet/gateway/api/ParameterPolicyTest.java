package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.npufleet.protocol.JobKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every OpenAI field is honoured, harmless, or refused with a 400 naming it: nothing is silently ignored. */
class ParameterPolicyTest {
    private static final String CHAT = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
    private final InferenceRequestParser parser = new InferenceRequestParser(256);

    private ApiError error(String extra, JobKind kind) {
        String body = "{" + (kind == JobKind.CHAT ? CHAT : "\"model\":\"m\",\"prompt\":\"x\"") + "," + extra + "}";
        return catchThrowableOfType(ApiException.class,
                () -> parser.parse(body.getBytes(StandardCharsets.UTF_8), kind)).error();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "\"response_format\":{\"type\":\"json_object\"}                 | response_format | unsupported_value",
        "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}} | response_format | unsupported_value",
        "\"response_format\":{\"type\":\"xml\"}                         | response_format | invalid_value",
        "\"response_format\":\"json\"                                   | response_format | invalid_value",
        "\"logit_bias\":{\"50256\":-100}                                | logit_bias      | unsupported_value",
        "\"logprobs\":true                                              | logprobs        | unsupported_value",
        "\"top_logprobs\":3                                             | top_logprobs    | unsupported_value",
        "\"suffix\":\"tail\"                                            | suffix          | unsupported_value",
        "\"n\":3                                                        | n               | unsupported_value",
        "\"echo\":true                                                  | echo            | unsupported_value",
        "\"functions\":[{\"name\":\"f\"}]                               | functions       | unsupported_value",
        "\"function_call\":\"auto\"                                     | function_call   | unsupported_value",
        "\"modalities\":[\"text\",\"audio\"]                            | modalities      | unsupported_value",
        "\"audio\":{\"voice\":\"alloy\"}                                | audio           | unsupported_value",
        "\"prediction\":{\"type\":\"content\",\"content\":\"x\"}        | prediction      | unsupported_value",
        "\"verbosity\":\"low\"                                          | verbosity       | unsupported_value",
        "\"min_p\":0.1                                                  | min_p           | unknown_parameter",
        "\"temprature\":0.1                                             | temprature      | unknown_parameter",
    })
    void shouldRefuseAChatParameterItCannotHonourNamingIt(String extra, String param, String code) {
        ApiError e = error(extra, JobKind.CHAT);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.code()).isEqualTo(code);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "\"suffix\":\"tail\"                  | suffix",
        "\"logit_bias\":{\"1\":5}             | logit_bias",
        "\"top_logprobs\":1                   | top_logprobs",
        "\"response_format\":{\"type\":\"json_object\"} | response_format",
    })
    void shouldRefuseACompletionParameterItCannotHonourNamingIt(String extra, String param) {
        ApiError e = error(extra, JobKind.COMPLETION);

        assertThat(e.code()).isEqualTo("unsupported_value");
        assertThat(e.param()).isEqualTo(param);
    }

    @Test
    void shouldAcceptEveryRefusableFieldAtItsDefault() {
        String body = "{" + CHAT + ",\"n\":1,\"logprobs\":false,\"top_logprobs\":0,\"logit_bias\":{},"
                + "\"response_format\":{\"type\":\"text\"},\"modalities\":[\"text\"],\"functions\":[],"
                + "\"audio\":null,\"user\":\"u\",\"service_tier\":\"auto\",\"prompt_cache_key\":\"k\","
                + "\"safety_identifier\":\"s\",\"store\":false,\"metadata\":{}}";

        InferenceRequest r = parser.parse(body.getBytes(StandardCharsets.UTF_8), JobKind.CHAT);

        assertThat(r.model()).isEqualTo("m");
    }

    @Test
    void shouldAcceptAnEmptySuffixOnACompletion() {
        String body = "{\"model\":\"m\",\"prompt\":\"x\",\"suffix\":\"\",\"logprobs\":0}";

        assertThat(parser.parse(body.getBytes(StandardCharsets.UTF_8), JobKind.COMPLETION).prompt()).isEqualTo("x");
    }

    @Test
    void shouldTellWhetherTheClientSetTheTokenLimitAndTheSeed() {
        String given = "{" + CHAT + ",\"max_completion_tokens\":9,\"seed\":3}";
        String none = "{" + CHAT + "}";

        InferenceRequest g = parser.parse(given.getBytes(StandardCharsets.UTF_8), JobKind.CHAT);
        InferenceRequest n = parser.parse(none.getBytes(StandardCharsets.UTF_8), JobKind.CHAT);

        assertThat(g.maxTokensParam()).isEqualTo("max_completion_tokens");
        assertThat(g.params().seedFromClient()).isTrue();
        assertThat(n.maxTokensParam()).isNull();
        assertThat(n.params().seedFromClient()).isFalse();
    }
}
