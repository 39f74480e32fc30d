package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.ollama.OllamaFormat;
import dev.npufleet.protocol.JsonCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes whole (non-streamed) responses: one async write that completes the request's callback.
 * Any thread; at most one call per response.
 */
public final class HttpResponses {
    public static final String JSON = "application/json";
    public static final String EVENT_STREAM = "text/event-stream";

    private HttpResponses() {
    }

    /** Sets the status and headers of an SSE stream (the one place they are written). Commits nothing yet. */
    public static void startEventStream(Response response) {
        startStream(response, EVENT_STREAM);
    }

    /** Commits a streamed answer's headers: status 200, {@code contentType} (SSE or NDJSON), no caching or buffering. */
    public static void startStream(Response response, String contentType) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        // Tells nginx-style proxies not to buffer the stream.
        response.getHeaders().put("X-Accel-Buffering", "no");
    }

    public static void json(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    public static void json(Response response, Callback callback, int status, JsonNode body) {
        json(response, callback, status, JsonCodec.encode(body));
    }

    public static void text(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    public static void bytes(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * An error with the status it maps to: OpenAI-shaped, or Ollama's {@code {"error":"..."}} on Ollama's
     * {@code /api/} paths, so that a client of either API reads every error of its routes (404, 405, 413 included).
     */
    public static void error(Response response, Callback callback, ApiError error) {
        if (response.isCommitted()) {
            // Too late for a status line: the client has one. Fail, which closes the connection.
            callback.failed(new IllegalStateException("cannot send " + error.status() + " after commit: "
                    + error.message()));
            return;
        }
        boolean ollama = Request.getPathInContext(response.getRequest()).startsWith("/api/");
        json(response, callback, error.status(), ollama ? OllamaFormat.error(error.message()) : error.toBytes());
    }
}
