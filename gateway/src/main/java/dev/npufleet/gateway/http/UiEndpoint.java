package dev.npufleet.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The fleet page: static HTML, JS and CSS from the gateway's resources ({@code /ui/}), no build step. {@code GET /}
 * and {@code GET /ui} serve the page, {@code GET /ui/{file}} its assets (only the files listed here). The page
 * itself polls {@code /v1/fleet} and {@code /v1/batches}. Files are read once and kept; any request thread.
 */
final class UiEndpoint {
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

    void page(HttpCall call) {
        serve(call, "index.html");
    }

    void asset(HttpCall call) {
        serve(call, call.param(0));
    }

    private void serve(HttpCall call, String name) {
        String type = FILES.get(name);
        if (type == null) {
            call.error(dev.npufleet.gateway.api.ErrorMapping.notFound("file", name));
            return;
        }
        byte[] body = loaded.computeIfAbsent(name, UiEndpoint::read);
        // the gateway's own version of the page: no stale copy after an upgrade
        call.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        HttpResponses.bytes(call.response(), call.callback(), 200, type, body);
    }

    private static byte[] read(String name) {
        try (InputStream in = UiEndpoint.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the gateway jar lacks /ui/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /ui/" + name, e);
        }
    }
}
