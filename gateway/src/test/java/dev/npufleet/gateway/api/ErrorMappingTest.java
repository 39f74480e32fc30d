package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.JsonCodec;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

    @ParameterizedTest(name = "worker {0} -> {1} {2}")
    @CsvSource({
        "INVALID_REQUEST,   400, invalid_request_error",
        "CACHE_NOT_FOUND,   404, invalid_request_error",
        "DEADLINE_EXCEEDED, 504, server_error",
        "RUNTIME_ERROR,     500, server_error",
        "MALFORMED_JOB,     500, server_error",
        "POISON_JOB,        500, server_error",
        "INTERNAL,          500, server_error",
        "MODEL_NOT_SERVED,  502, server_error",
    })
    void shouldMapEveryWorkerErrorCode(ErrorCode code, int status, String type) {
        ApiError error = ErrorMapping.fromWorker(ErrorInfo.of(code, "why"));

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEqualTo(code.wire());
        assertThat(error.message()).isEqualTo("why");
    }

    @Test
    void shouldMapAnUnknownWorkerCodeTo502() {
        ApiError error = ErrorMapping.fromWorker(new ErrorInfo("gpu_on_fire", "hot"));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("gpu_on_fire");
    }

    @Test
    void shouldMapKafkaFailuresTo503AndKeepApiErrors() {
        assertThat(ErrorMapping.fromFailure(new CompletionException(new TimeoutException("no metadata"))).status())
                .isEqualTo(503);
        ApiError own = ErrorMapping.modelNotFound("x");
        assertThat(ErrorMapping.fromFailure(new CompletionException(own.toException()))).isEqualTo(own);
        assertThat(ErrorMapping.fromFailure(new NullPointerException()).status()).isEqualTo(500);
    }

    @Test
    void shouldGiveEachRequestErrorItsStatusAndCode() {
        assertThat(ErrorMapping.invalidJson("x")).extracting(ApiError::status, ApiError::code)
                .containsExactly(400, "invalid_json");
        assertThat(ErrorMapping.missingField("model")).extracting(ApiError::status, ApiError::param)
                .containsExactly(400, "model");
        assertThat(ErrorMapping.modelNotFound("m")).extracting(ApiError::status, ApiError::code)
                .containsExactly(404, "model_not_found");
        assertThat(ErrorMapping.cacheNotFound("m", "c", "use_cache")).extracting(ApiError::status, ApiError::code)
                .containsExactly(404, "cache_not_found");
        assertThat(ErrorMapping.pathNotFound("GET", "/x").status()).isEqualTo(404);
        assertThat(ErrorMapping.methodNotAllowed("GET", "/x").status()).isEqualTo(405);
        assertThat(ErrorMapping.bodyTooLarge(10).status()).isEqualTo(413);
        assertThat(ErrorMapping.brokerUnavailable("x").status()).isEqualTo(503);
        assertThat(ErrorMapping.timeout(Duration.ofSeconds(1)).status()).isEqualTo(504);
    }

    @Test
    void shouldWriteTheOpenAiErrorShapeWithNullsPresent() throws Exception {
        JsonNode json = JsonCodec.mapper().readTree(ErrorMapping.bodyTooLarge(10).toBytes());

        assertThat(json.path("error").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(json.at("/error/param").isNull()).isTrue();
    }
}
