package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import java.util.List;
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

    public void error(ApiError error) {
        HttpResponses.error(response, callback, error);
    }
}
