package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.tenancy.Caller;
import dev.npufleet.gateway.tenancy.KeyRing;
import dev.npufleet.gateway.tenancy.RateLimiter;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Who may call what: with API keys on, every route but {@code /health}, {@code /ready} and the fleet page's files needs
 * {@code Authorization: Bearer <key>} of a known key (else 401 {@code invalid_api_key}), and admin routes an admin
 * key (else 403); requests that create work are charged to the caller's limits ({@link RateLimits}). The caller is
 * left on the request ({@link #caller}) for endpoints that check ownership. With keys
 * off every request is {@link Caller#ANONYMOUS}. The key itself is never logged or kept. Any thread.
 */
final class AccessGuard {
    private static final String ATTRIBUTE = "npufleet.caller";
    private static final Set<String> OPEN = Set.of("/health", "/ready");
    private static final Set<String> ADMIN_ONLY = Set.of("metrics");
    /** The fleet page's static files: they hold no data; the page asks for a key for the JSON it reads. */
    private static final Set<String> OPEN_ROUTES = Set.of("ui");

    private final Optional<KeyRing> keys;
    private final RateLimiter limiter;

    AccessGuard(Optional<KeyRing> keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /**
     * Admits the request or throws the error to answer.
     *
     * @param route the matched route's name, or null for a path no route serves
     */
    void admit(Request request, Response response, String path, String route) {
        if (keys.isEmpty()) {
            request.setAttribute(ATTRIBUTE, Caller.ANONYMOUS);
            RateLimits.chargeRequest(limiter, request, response, Caller.ANONYMOUS, route);
            return;
        }
        if (OPEN.contains(path) || (route != null && OPEN_ROUTES.contains(route))) {
            request.setAttribute(ATTRIBUTE, Caller.UNAUTHENTICATED);
            return;
        }
        Caller caller = keys.get().authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION))
                .orElseThrow(() -> ErrorMapping.invalidApiKey().toException());
        request.setAttribute(ATTRIBUTE, caller);
        if (route != null && ADMIN_ONLY.contains(route) && !caller.admin()) {
            throw adminOnly(path).toException();
        }
        RateLimits.chargeRequest(limiter, request, response, caller, route);
    }

    static ApiError adminOnly(String what) {
        return ErrorMapping.forbidden("admin_key_required", "Only an admin API key may use " + what + ".");
    }

    /** The caller {@link #admit} found; anonymous for a request it let through without a key. */
    static Caller caller(Request request) {
        Object caller = request.getAttribute(ATTRIBUTE);
        return caller instanceof Caller c ? c : Caller.ANONYMOUS;
    }

    static Caller caller(HttpCall call) {
        return caller(call.request());
    }
}
