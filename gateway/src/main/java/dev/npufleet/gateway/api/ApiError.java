package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import java.util.Objects;

/**
 * An error as OpenAI's API shapes it: {@code {"error":{"message","type","param","code"}}}, with the
 * HTTP status it is sent with. Build them through {@link ErrorMapping}, the one place that decides
 * statuses and codes. Immutable; any thread.
 *
 * @param param the request field at fault, or null
 * @param code a stable machine-readable code, or null
 */
public record ApiError(int status, String type, String code, String param, String message) {

    public ApiError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, was " + status);
        }
    }

    /** The {@code {"error":{...}}} object, as sent in a response body or in an SSE error event. */
    public ObjectNode toJson() {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }

    public byte[] toBytes() {
        return JsonCodec.encode(toJson());
    }

    public ApiException toException() {
        return new ApiException(this);
    }
}
