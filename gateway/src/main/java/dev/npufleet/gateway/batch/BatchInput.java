package dev.npufleet.gateway.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and checks a batch input file (OpenAI's JSONL: one
 * {@code {"custom_id","method":"POST","url","body"}} per line), every line before anything is
 * submitted: valid JSON, a {@code custom_id} unique in the file, method POST, {@code url} equal to the
 * batch's endpoint, a body the synchronous endpoint would take (and not streamed). The first bad line
 * fails the whole file with a 400 naming its number. Blank lines are skipped. Stateless; any thread.
 */
public final class BatchInput {
    /** OpenAI's bound on requests per batch. */
    public static final int MAX_REQUESTS = 50_000;

    private BatchInput() {
    }

    /** One checked line. @param number 1-based line number in the file */
    public record Line(int number, String customId, InferenceRequest request) {
        public Line {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(request, "request");
        }
    }

    /** @throws ApiException 400 naming the first bad line */
    public static List<Line> parse(byte[] content, String endpoint, InferenceRequestParser parser) {
        JobKind kind = AsyncJobRequest.kind(endpoint, "endpoint");
        String text = utf8(content);
        List<Line> lines = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int number = 0;
        for (String raw : text.split("\n", -1)) {
            number++;
            if (raw.isBlank()) {
                continue;
            }
            if (lines.size() == MAX_REQUESTS) {
                throw invalid(number, null, "a batch holds at most " + MAX_REQUESTS + " requests.");
            }
            Line line = line(number, raw, endpoint, kind, parser);
            Integer earlier = seen.putIfAbsent(line.customId(), number);
            if (earlier != null) {
                throw invalid(number, "custom_id", "custom_id '" + line.customId() + "' is also on line " + earlier
                        + "; each request needs its own.");
            }
            lines.add(line);
        }
        if (lines.isEmpty()) {
            throw ErrorMapping.invalidField("input_file_id", "The input file holds no requests.").toException();
        }
        return lines;
    }

    private static Line line(int number, String raw, String endpoint, JobKind kind, InferenceRequestParser parser) {
        JsonNode node;
        try {
            node = JsonCodec.mapper().readTree(raw);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? "malformed JSON" : e.getMessage().lines().findFirst().orElse("");
            throw invalid(number, null, "not valid JSON: " + detail);
        }
        if (node == null || !node.isObject()) {
            throw invalid(number, null, "each line must be a JSON object.");
        }
        String customId = text(node, "custom_id", number);
        String method = text(node, "method", number);
        if (!method.equals("POST")) {
            throw invalid(number, "method", "method must be POST, was '" + method + "'.");
        }
        String url = text(node, "url", number);
        if (!url.equals(endpoint)) {
            throw invalid(number, "url", "url must be the batch's endpoint '" + endpoint + "', was '" + url + "'.");
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            throw invalid(number, "body", "body must be a JSON object.");
        }
        try {
            return new Line(number, customId, AsyncJobRequest.parseBody((ObjectNode) body, kind, parser, "body."));
        } catch (ApiException e) {
            throw invalid(number, e.error().param(), e.error().message());
        }
    }

    private static String text(JsonNode node, String field, int number) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw invalid(number, field, field + " must be a non-empty string.");
        }
        return value.textValue();
    }

    /** A 400 naming the line (and the field on it). */
    public static ApiException invalid(int line, String field, String message) {
        String param = field == null ? "line " + line : "line " + line + "." + field;
        return new ApiError(400, ErrorMapping.INVALID_REQUEST, "invalid_batch_line", param,
                "Line " + line + " of the input file: " + message).toException();
    }

    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ErrorMapping.invalidField("input_file_id", "The input file is not UTF-8 text.").toException();
        }
    }
}
