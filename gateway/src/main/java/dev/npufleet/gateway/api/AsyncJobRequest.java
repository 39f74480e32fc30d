package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JobKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated {@code POST /v1/jobs} body: {@code {"endpoint", "body", "metadata"}}. The inner body is
 * checked exactly as its synchronous endpoint checks it, with the field names prefixed {@code body.}
 * in errors; {@code "stream": true} is refused, since a job is polled. Immutable.
 *
 * @param metadata the client's labels, at most 16 pairs (keys up to 64, values up to 512 characters,
 *     as OpenAI's {@code metadata})
 */
public record AsyncJobRequest(String endpoint, InferenceRequest request, Map<String, String> metadata) {
    public static final String CHAT_ENDPOINT = "/v1/chat/completions";
    public static final String COMPLETIONS_ENDPOINT = "/v1/completions";
    public static final String EMBEDDINGS_ENDPOINT = "/v1/embeddings";
    private static final int MAX_METADATA = 16;

    public AsyncJobRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(request, "request");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** @throws ApiException (400) naming the field at fault */
    public static AsyncJobRequest parse(byte[] body, InferenceRequestParser parser) {
        ObjectNode root = JsonFields.parseObject(body);
        String endpoint = JsonFields.requiredString(root, "endpoint", "endpoint");
        JobKind kind = kind(endpoint, "endpoint");
        if (!JsonFields.isSet(root, "body")) {
            throw ErrorMapping.missingField("body").toException();
        }
        if (!root.get("body").isObject()) {
            throw ErrorMapping.invalidField("body", "'body' must be a JSON object.").toException();
        }
        InferenceRequest request = parseBody((ObjectNode) root.get("body"), kind, parser, "body.");
        return new AsyncJobRequest(endpoint, request, metadata(root.get("metadata")));
    }

    /** The job kind an endpoint path stands for, or 400 naming {@code param}. */
    public static JobKind kind(String endpoint, String param) {
        return switch (endpoint) {
            case CHAT_ENDPOINT -> JobKind.CHAT;
            case COMPLETIONS_ENDPOINT -> JobKind.COMPLETION;
            case EMBEDDINGS_ENDPOINT -> JobKind.EMBEDDING;
            default -> throw ErrorMapping.invalidField(param, "'" + param + "' must be '" + CHAT_ENDPOINT + "', '"
                    + COMPLETIONS_ENDPOINT + "' or '" + EMBEDDINGS_ENDPOINT + "', was '" + endpoint + "'.")
                    .toException();
        };
    }

    /**
     * Validates a request body for a polled job (no streaming); errors name the field under {@code prefix}.
     *
     * @throws ApiException (400)
     */
    public static InferenceRequest parseBody(ObjectNode body, JobKind kind, InferenceRequestParser parser,
            String prefix) {
        InferenceRequest request;
        try {
            request = kind == JobKind.EMBEDDING ? polledEmbedding(body) : parser.parse(body, kind);
        } catch (ApiException e) {
            ApiError error = e.error();
            String param = error.param() == null ? null : prefix + error.param();
            throw new ApiError(error.status(), error.type(), error.code(), param, error.message()).toException();
        }
        if (request.stream()) {
            throw ErrorMapping.unsupported(prefix + "stream",
                    "'stream' must be false: an asynchronous job is polled, not streamed.").toException();
        }
        return request;
    }

    /**
     * An embeddings body for a polled job: its answer is rendered from the job's record, which keeps no
     * {@code encoding_format}, so only {@code float} (the default) is taken.
     */
    private static InferenceRequest polledEmbedding(ObjectNode body) {
        EmbeddingsRequest request = EmbeddingsRequest.parse(body);
        if (request.base64()) {
            throw ErrorMapping.unsupported("encoding_format", "'encoding_format' must be 'float' for an asynchronous "
                    + "job or a batch line.").toException();
        }
        return request.job();
    }

    /** OpenAI's {@code metadata}: an object of strings; null when not set. */
    public static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ErrorMapping.invalidField("metadata", "'metadata' must be an object of strings.").toException();
        }
        if (node.size() > MAX_METADATA) {
            throw ErrorMapping.invalidField("metadata", "'metadata' holds at most " + MAX_METADATA + " pairs.")
                    .toException();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw ErrorMapping.invalidField("metadata." + e.getKey(), "metadata values must be strings.")
                        .toException();
            }
            if (e.getKey().length() > 64 || e.getValue().textValue().length() > 512) {
                throw ErrorMapping.invalidField("metadata." + e.getKey(),
                        "metadata keys are at most 64 characters, values at most 512.").toException();
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }
}
