package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One routed HTTP request: Jetty's request, response and completion callback, and the path
 * parameters its route captured. Complete the callback exactly once (every response helper does).
 *
 * @param params the path's captured segments, in order (e.g. model and cache name)
 */
public record HttpCall(Request request, Response response, Callback callback, List<String> params) {
    public HttpCall {
        params = List.copyOf(params);
    }

    public String param(int index) {
        return params.get(index);
    }

    /**
     * Answers with an error once the request's body is read and dropped (at once when it was read already): an
     * answer that leaves the client's bytes unread makes Jetty close the connection after it, and a client that
     * reuses the connection before it sees the close gets no bytes at all. A body that is large, or of unknown
     * length, is not read: the answer says {@code Connection: close} instead.
     */
    public void error(ApiError error) {
        long length = request.getLength();
        boolean chunked = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length > BodyReader.DRAIN_LIMIT || chunked && !readToTheEnd()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        } else if (length > 0) {
            Content.Source.consumeAll(request, Callback.from(() -> HttpResponses.error(response, callback, error),
                    failure -> HttpResponses.error(response, callback, error)));
            return;
        }
        HttpResponses.error(response, callback, error);
    }

    /** Whether a body of unknown length was read to its end already (takes at most one chunk of it). */
    private boolean readToTheEnd() {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
            return false;
        }
        boolean end = chunk.isLast() && !chunk.hasRemaining();
        chunk.release();
        return end;
    }
}
