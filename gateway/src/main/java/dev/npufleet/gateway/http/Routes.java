package dev.npufleet.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's path table: method + path pattern → endpoint, with the name its requests are
 * counted under. A path that matches with another method is a 405 (with {@code Allow}); one that
 * matches nothing a 404. Immutable once built; any thread.
 */
final class Routes {
    /** One route. {@code {x}} in a path captures one segment. */
    record Route(String method, String path, Pattern pattern, String name, Consumer<HttpCall> endpoint) {
    }

    /** The outcome of a lookup: a route and its captured segments, or the methods the path allows. */
    record Match(Route route, List<String> params, Set<String> allowed) {
        boolean found() {
            return route != null;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    Routes add(String method, String path, String name, Consumer<HttpCall> endpoint) {
        String regex = path.replaceAll("\\{[a-z]+}", "([^/]+)");
        routes.add(new Route(method, path, Pattern.compile(regex), name, endpoint));
        return this;
    }

    Match match(String method, String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Matcher m = route.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (route.method().equals(method)) {
                List<String> params = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    params.add(m.group(i));
                }
                return new Match(route, params, Set.of());
            }
            allowed.add(route.method());
        }
        return new Match(null, List.of(), allowed);
    }
}
