package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.protocol.JsonCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
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
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, EVENT_STREAM);
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

    /** An OpenAI-shaped error, with the status it maps to. */
    public static void error(Response response, Callback callback, ApiError error) {
        if (response.isCommitted()) {
            // Too late for a status line: the client has one. Fail, which closes the connection.
            callback.failed(new IllegalStateException("cannot send " + error.status() + " after commit: "
                    + error.message()));
            return;
        }
        json(response, callback, error.status(), error.toBytes());
    }
}
