package dev.npufleet.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.InferenceRequestParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchInputTest {
    private static final String CHAT = "/v1/chat/completions";
    private final InferenceRequestParser parser = new InferenceRequestParser(64);

    private static String line(String customId, String body) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + body + "}";
    }

    private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private List<BatchInput.Line> parse(String text) {
        return BatchInput.parse(text.getBytes(StandardCharsets.UTF_8), CHAT, parser);
    }

    private ApiError error(String text) {
        Throwable t = catchThrowable(() -> parse(text));
        assertThat(t).isInstanceOf(ApiException.class);
        ApiError e = ((ApiException) t).error();
        assertThat(e.status()).isEqualTo(400);
        return e;
    }

    @Test
    void shouldReadEveryLineWithItsNumberSkippingBlankOnes() {
        List<BatchInput.Line> lines = parse(line("a", BODY) + "\r\n\n" + line("b", BODY) + "\n");

        assertThat(lines).extracting(BatchInput.Line::customId).containsExactly("a", "b");
        assertThat(lines).extracting(BatchInput.Line::number).containsExactly(1, 3);
        assertThat(lines.get(0).request().messages()).hasSize(1);
    }

    @Test
    void shouldNameTheLineOfMalformedJson() {
        ApiError e = error(line("a", BODY) + "\n{\"custom_id\":");

        assertThat(e.message()).startsWith("Line 2 of the input file: not valid JSON");
        assertThat(e.param()).isEqualTo("line 2");
        assertThat(e.code()).isEqualTo("invalid_batch_line");
    }

    @Test
    void shouldRefuseADuplicateCustomIdNamingBothLines() {
        ApiError e = error(line("a", BODY) + "\n" + line("b", BODY) + "\n" + line("a", BODY));

        assertThat(e.param()).isEqualTo("line 3.custom_id");
        assertThat(e.message()).contains("line 1");
    }

    @Test
    void shouldRefuseAnotherMethodOrUrl() {
        assertThat(error(line("a", BODY).replace("\"POST\"", "\"GET\"")).param()).isEqualTo("line 1.method");
        assertThat(error(line("a", BODY).replace("/v1/chat/completions", "/v1/completions")).param())
                .isEqualTo("line 1.url");
        assertThat(error("{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" + BODY + "}").param())
                .isEqualTo("line 1.custom_id");
    }

    @Test
    void shouldCheckTheBodyLikeTheSynchronousEndpointAndRefuseStreaming() {
        ApiError invalid = error(line("a", BODY) + "\n" + line("b", "{\"model\":\"m\",\"messages\":[]}"));
        ApiError streamed = error(line("a", BODY.replace("{\"model\"", "{\"stream\":true,\"model\"")));
        ApiError notObject = error(line("a", "[]"));

        assertThat(invalid.param()).isEqualTo("line 2.body.messages");
        assertThat(streamed.param()).isEqualTo("line 1.body.stream");
        assertThat(notObject.param()).isEqualTo("line 1.body");
    }

    @Test
    void shouldRefuseAFileWithoutRequestsOrNotUtf8() {
        assertThat(error("\n \n").param()).isEqualTo("input_file_id");
        Throwable t = catchThrowable(() -> BatchInput.parse(new byte[] {(byte) 0xff, (byte) 0xfe}, CHAT, parser));
        assertThat(((ApiException) t).error().message()).contains("UTF-8");
    }
}
