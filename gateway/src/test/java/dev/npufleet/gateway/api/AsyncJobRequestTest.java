package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.protocol.JobKind;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AsyncJobRequestTest {
    private final InferenceRequestParser parser = new InferenceRequestParser(64);

    private AsyncJobRequest parse(String json) {
        return AsyncJobRequest.parse(json.getBytes(StandardCharsets.UTF_8), parser);
    }

    private static ApiError error(ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(ApiException.class);
        return ((ApiException) t).error();
    }

    @Test
    void shouldReadTheEndpointTheBodyAndTheMetadata() {
        AsyncJobRequest r = parse("""
                {"endpoint":"/v1/completions","body":{"model":"m","prompt":"Once","max_tokens":5},
                 "metadata":{"team":"search"}}""");

        assertThat(r.endpoint()).isEqualTo("/v1/completions");
        assertThat(r.request().kind()).isEqualTo(JobKind.COMPLETION);
        assertThat(r.request().prompt()).isEqualTo("Once");
        assertThat(r.request().params().maxTokens()).isEqualTo(5);
        assertThat(r.metadata()).containsEntry("team", "search");
    }

    @Test
    void shouldRefuseAStreamedJob() {
        ApiError e = error(() -> parse("""
                {"endpoint":"/v1/chat/completions","body":{"model":"m","stream":true,
                 "messages":[{"role":"user","content":"Hi"}]}}"""));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("body.stream");
        assertThat(e.code()).isEqualTo("unsupported_value");
    }

    @Test
    void shouldNameTheInnerFieldAtFaultUnderBody() {
        ApiError e = error(() -> parse("{\"endpoint\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("body.messages");
        assertThat(e.code()).isEqualTo("missing_required_parameter");
    }

    @Test
    void shouldRefuseAnUnknownEndpointAMissingBodyAndBadMetadata() {
        assertThat(error(() -> parse("{\"endpoint\":\"/v1/images/generations\",\"body\":{}}")).param())
                .isEqualTo("endpoint");
        assertThat(error(() -> parse("{\"endpoint\":\"/v1/embeddings\",\"body\":{}}")).param()).isEqualTo("body.model");
        assertThat(error(() -> parse("{\"endpoint\":\"/v1/completions\"}")).param()).isEqualTo("body");
        assertThat(error(() -> parse("{\"endpoint\":\"/v1/completions\",\"body\":[1]}")).param()).isEqualTo("body");
        assertThat(error(() -> parse("""
                {"endpoint":"/v1/completions","body":{"model":"m","prompt":"x"},"metadata":{"n":1}}""")).param())
                .isEqualTo("metadata.n");
        assertThat(error(() -> parse("{\"body\":{}}")).param()).isEqualTo("endpoint");
    }

    @Test
    void shouldRefuseMalformedJson() {
        assertThatThrownBy(() -> parse("{\"endpoint\":")).isInstanceOf(ApiException.class)
                .hasMessageContaining("JSON");
    }
}
