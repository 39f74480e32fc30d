package dev.npufleet.gateway.api;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;

/**
 * The one place that decides which HTTP status, OpenAI error type and code each failure gets.
 * Stateless; any thread.
 *
 * <table>
 *   <caption>statuses</caption>
 *   <tr><td>400</td><td>malformed JSON, a missing or invalid field, {@code n > 1}, a bad cache name,
 *       a worker's {@code invalid_request} before the stream started</td></tr>
 *   <tr><td>401</td><td>keys on: no API key or an unknown one</td></tr>
 *   <tr><td>403</td><td>a route that needs an admin key, called with another</td></tr>
 *   <tr><td>404</td><td>unknown path, unknown model, unknown cache (also the worker's {@code cache_not_found}),
 *       unknown job, batch or file id</td></tr>
 *   <tr><td>405</td><td>known path, wrong method</td></tr>
 *   <tr><td>409</td><td>a call the object's state forbids (cancelling a job that completed)</td></tr>
 *   <tr><td>413</td><td>body over {@code NPUFLEET_MAX_BODY_BYTES}, upload over {@code NPUFLEET_MAX_FILE_BYTES}, a
 *       record the broker refuses as too large</td></tr>
 *   <tr><td>500</td><td>worker {@code runtime_error}, {@code poison_job}, {@code malformed_job}, {@code internal};
 *       a bug in the gateway</td></tr>
 *   <tr><td>502</td><td>worker {@code model_not_served} and codes this gateway does not know</td></tr>
 *   <tr><td>503</td><td>broker unreachable (publish failed or timed out, events not yet readable)</td></tr>
 *   <tr><td>504</td><td>no answer within the request timeout; worker {@code deadline_exceeded}</td></tr>
 * </table>
 */
public final class ErrorMapping {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String SERVER_ERROR = "server_error";

    private ErrorMapping() {
    }

    public static ApiError invalidJson(String detail) {
        return new ApiError(400, INVALID_REQUEST, "invalid_json", null,
                "We could not parse the JSON body of your request: " + detail);
    }

    public static ApiError missingField(String param) {
        return new ApiError(400, INVALID_REQUEST, "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    public static ApiError invalidField(String param, String message) {
        return new ApiError(400, INVALID_REQUEST, "invalid_value", param, message);
    }

    public static ApiError unsupported(String param, String message) {
        return new ApiError(400, INVALID_REQUEST, "unsupported_value", param, message);
    }

    /** OpenAI's answer to a prompt longer than the model's context. */
    public static ApiError contextLengthExceeded(int maxContext, String tokens) {
        return new ApiError(400, INVALID_REQUEST, "context_length_exceeded", "messages",
                "This model's maximum context length is " + maxContext + " tokens. However, your messages resulted in "
                        + tokens + " tokens. Please reduce the length of the messages.");
    }

    /** A token limit over what the boards allow ({@code NPUFLEET_MAX_NEW_TOKENS}). */
    public static ApiError maxTokensTooLarge(String param, int value, int limit) {
        return new ApiError(400, INVALID_REQUEST, "invalid_value", param, param + " is too large: " + value
                + ". This model supports at most " + limit + " completion tokens.");
    }

    /**
     * A job a cancel stopped ({@code POST /v1/jobs/{id}/cancel}, a batch's cancel), as a request waiting on it or a
     * stream following it sees it: OpenAI has no {@code finish_reason} for it, so it is an error.
     */
    public static ApiError cancelled() {
        return new ApiError(409, INVALID_REQUEST, "cancelled", null, "The job was cancelled before it finished.");
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, INVALID_REQUEST, "model_not_found", "model",
                "The model '" + model + "' does not exist or is not served by this fleet.");
    }

    public static ApiError cacheNotFound(String model, String name, String param) {
        return new ApiError(404, INVALID_REQUEST, "cache_not_found", param,
                "The cache '" + name + "' does not exist for model '" + model + "'.");
    }

    public static ApiError pathNotFound(String method, String path) {
        return new ApiError(404, INVALID_REQUEST, "not_found", null, "Invalid URL (" + method + " " + path + ")");
    }

    /** An id (job, batch, file) this fleet does not know, in a known path. */
    public static ApiError notFound(String what, String id) {
        return new ApiError(404, INVALID_REQUEST, "not_found", null, "No " + what + " with id '" + id + "' found.");
    }

    /** The object is in a state that does not allow the call (cancelling a completed job). */
    public static ApiError conflict(String code, String message) {
        return new ApiError(409, INVALID_REQUEST, code, null, message);
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, INVALID_REQUEST, "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + ".");
    }

    /** No API key, or one this fleet does not know (OpenAI's answer, word for word where it applies). */
    public static ApiError invalidApiKey() {
        return new ApiError(401, INVALID_REQUEST, "invalid_api_key", null,
                "Incorrect API key provided. Send a key of this fleet as 'Authorization: Bearer <key>'.");
    }

    /** A known key that may not make this call (an admin route, another key's cache). */
    public static ApiError forbidden(String code, String message) {
        return new ApiError(403, INVALID_REQUEST, code, null, message);
    }

    /** A query string that cannot be read (bad %-encoding, a parameter given twice, too long). */
    public static ApiError invalidQuery(String message) {
        return new ApiError(400, INVALID_REQUEST, "invalid_query", null, message);
    }

    /**
     * An error Jetty answers before the gateway's handler sees the request (a request line, path or header it
     * cannot parse; headers too large). Its 4xx status is kept; a 5xx from Jetty stays a server error.
     */
    public static ApiError fromHttp(int status, String reason) {
        if (status >= 500 && status <= 599) {
            return new ApiError(status, SERVER_ERROR, "server_error", null, reason);
        }
        int clientStatus = status >= 400 && status <= 499 ? status : 400;
        return new ApiError(clientStatus, INVALID_REQUEST, "bad_request", null, "The HTTP request is malformed: " + reason);
    }

    /** Uploads in progress already hold the memory the gateway gives them; the client retries shortly. */
    public static ApiError tooManyUploads() {
        return new ApiError(429, "requests", "too_many_uploads", "file",
                "Too many uploads are in progress on this gateway; retry after the time in Retry-After.");
    }

    public static ApiError bodyTooLarge(long maxBytes) {
        return new ApiError(413, INVALID_REQUEST, "request_too_large", null,
                "The request body is larger than " + maxBytes + " bytes.");
    }

    public static ApiError fileTooLarge(long maxBytes) {
        return new ApiError(413, INVALID_REQUEST, "file_too_large", "file",
                "The file is larger than " + maxBytes + " bytes.");
    }

    public static ApiError brokerUnavailable(String detail) {
        return new ApiError(503, SERVER_ERROR, "broker_unavailable", null,
                "The fleet's message broker is unavailable; try again later (" + detail + ").");
    }

    public static ApiError timeout(Duration after) {
        return new ApiError(504, SERVER_ERROR, "timeout", null,
                "No answer from the fleet within " + after.toMillis() + " ms; the job was cancelled.");
    }

    public static ApiError internal(String message) {
        return new ApiError(500, SERVER_ERROR, "internal_error", null, message);
    }

    /** A job's {@code ERROR} event, as the client sees it (before its stream started). */
    public static ApiError fromWorker(ErrorInfo error) {
        String code = error.code().toLowerCase(Locale.ROOT);
        ErrorCode known = parse(code);
        if (known == null) {
            return new ApiError(502, SERVER_ERROR, code, null, "The worker failed: " + error.message());
        }
        return switch (known) {
            case INVALID_REQUEST -> new ApiError(400, INVALID_REQUEST, error.detail() != null ? error.detail() : code,
                    error.param(), error.message());
            case CACHE_NOT_FOUND -> new ApiError(404, INVALID_REQUEST, code, "use_cache", error.message());
            case DEADLINE_EXCEEDED -> new ApiError(504, SERVER_ERROR, code, null, error.message());
            case MODEL_NOT_SERVED, ANSWER_INCOMPLETE, UNDELIVERABLE_REPLY ->
                    new ApiError(502, SERVER_ERROR, code, null, error.message());
            case RUNTIME_ERROR, MALFORMED_JOB, POISON_JOB, INTERNAL ->
                    new ApiError(500, SERVER_ERROR, code, null, error.message());
        };
    }

    /**
     * Any failure on the way to publishing or answering: an {@link ApiException} keeps its error;
     * Kafka failures (timeouts, a broker that cannot be reached) are 503; anything else is a bug, 500.
     */
    public static ApiError fromFailure(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException api) {
            return api.error();
        }
        if (t instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
            return new ApiError(413, INVALID_REQUEST, "file_too_large", null,
                    "The record is larger than the broker takes: " + t.getMessage());
        }
        if (t instanceof KafkaException || t instanceof java.util.concurrent.TimeoutException) {
            return brokerUnavailable(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return internal("The gateway failed: " + t.getClass().getSimpleName());
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ErrorCode parse(String code) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.wire().equals(code)) {
                return c;
            }
        }
        return null;
    }
}
