package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.JobKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated {@code POST /v1/embeddings} request: the job it becomes (kind {@link JobKind#EMBEDDING}, one input per
 * message) and how the vectors go back ({@code encoding_format} {@code float}, the default, or {@code base64}).
 * {@code input} is a string or an array of 1 to {@link #MAX_INPUTS} non-empty strings; token arrays and
 * {@code dimensions} are refused (the vectors have the model's hidden size); {@code user} is ignored. Immutable.
 */
public record EmbeddingsRequest(InferenceRequest job, boolean base64) {
    public static final int MAX_INPUTS = 2048;

    public EmbeddingsRequest {
        Objects.requireNonNull(job, "job");
    }

    /** @throws ApiException (400) naming the field at fault */
    public static EmbeddingsRequest parse(ObjectNode root) {
        String model = JsonFields.requiredString(root, "model", "model");
        if (model.isBlank()) {
            throw ErrorMapping.invalidField("model", "'model' must not be empty.").toException();
        }
        List<String> inputs = inputs(root.get("input"), "input");
        String format = JsonFields.optionalString(root, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ErrorMapping.invalidField("encoding_format",
                    "'encoding_format' must be 'float' or 'base64', was '" + format + "'.").toException();
        }
        if (JsonFields.isSet(root, "dimensions")) {
            throw ErrorMapping.unsupported("dimensions", "'dimensions' is not supported: the vectors have the model's "
                    + "hidden size.").toException();
        }
        return new EmbeddingsRequest(of(model, inputs), "base64".equals(format));
    }

    /** The embedding job of these inputs, for any API that asks for one. */
    public static InferenceRequest of(String model, List<String> inputs) {
        List<ChatMessage> messages = inputs.stream().map(text -> new ChatMessage("user", text)).toList();
        return new InferenceRequest(JobKind.EMBEDDING, model, messages, null, false, false,
                GenerationParams.defaults(), null);
    }

    /** A string or an array of non-empty strings, checked as {@code param}. */
    public static List<String> inputs(JsonNode input, String param) {
        if (input == null || input.isNull()) {
            throw ErrorMapping.missingField(param).toException();
        }
        List<String> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(input.textValue());
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw ErrorMapping.unsupported(param, "'" + param + "' must hold strings; token arrays are not "
                            + "supported.").toException();
                }
                out.add(item.textValue());
            }
        } else {
            throw ErrorMapping.invalidField(param, "'" + param + "' must be a string or an array of 1 to " + MAX_INPUTS
                    + " strings.").toException();
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ErrorMapping.invalidField(param, "'" + param + "' must not hold empty strings.").toException();
        }
        return out;
    }
}
