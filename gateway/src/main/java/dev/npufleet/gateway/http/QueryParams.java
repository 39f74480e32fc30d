package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ErrorMapping;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A request's query string, read strictly: bad %-encoding, a name given twice, or a query over
 * {@value #MAX_QUERY_CHARS} characters is a 400 ({@code invalid_query}) rather than a parser's exception.
 * Every route's query goes through {@link #check} before it is routed, so an endpoint that reads its
 * parameters through {@link #of} meets only queries that parse. Stateless; any thread.
 */
final class QueryParams {
    /** Far above any query a route reads (a few short parameters). */
    static final int MAX_QUERY_CHARS = 2048;

    private QueryParams() {
    }

    /** @throws dev.npufleet.gateway.api.ApiException (400) when the query is malformed */
    static void check(Request request) {
        of(request);
    }

    /** The query's parameters, each given at most once; names compared as sent (case matters). */
    static Fields of(Request request) {
        String query = request.getHttpURI().getQuery();
        if (query == null || query.isEmpty()) {
            return Fields.EMPTY;
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw invalid("The query string is longer than " + MAX_QUERY_CHARS + " characters.");
        }
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            // Jetty's decoder throws IllegalArgumentException (or its subclasses) for bad %-encoding and bad UTF-8
            throw invalid("The query string is not valid %-encoded UTF-8.");
        }
        for (Fields.Field field : fields) {
            if (field.getValues().size() > 1) {
                throw invalid("The query parameter '" + printable(field.getName()) + "' is given more than once.");
            }
        }
        return fields;
    }

    private static RuntimeException invalid(String message) {
        return ErrorMapping.invalidQuery(message).toException();
    }

    /** A name as it may appear in a message: at most 64 characters, no control characters. */
    private static String printable(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
