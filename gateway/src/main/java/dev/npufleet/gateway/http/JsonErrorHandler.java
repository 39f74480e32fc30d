package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ErrorMapping;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Shapes the errors Jetty answers by itself, before or around the gateway's handler (a request line or
 * header it cannot parse, a path with bad %-encoding or an ambiguous segment, headers over the size
 * limit), as OpenAI-shaped JSON instead of Jetty's HTML page, so a client's SDK can read every error the
 * gateway gives. Stateless; Jetty's threads.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, HttpResponses.JSON);

    /** Every method gets a body: Jetty's default writes none for a method other than GET, POST or HEAD. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(JSON);
        response.write(true, ByteBuffer.wrap(error(code, message).toBytes()), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(error(status, reason).toBytes());
    }

    static ApiError error(int status, String message) {
        return ErrorMapping.fromHttp(status, message == null || message.isBlank() ? "Bad request" : message);
    }
}
