package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.CacheJson;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/cache/{model}} waiting for the first build of the cache on a board: answers 201
 * with the definition and the build ({@link dev.npufleet.protocol.CacheBuild}) from the job's
 * FINISH, or the mapped error. Threads as in {@link JobExchange}.
 */
final class CacheBuildExchange extends JobExchange {
    private final CacheDefinition definition;

    CacheBuildExchange(ExchangeServices services, String jobId, Request request, Response response, Callback callback,
            CacheDefinition definition) {
        super(services, jobId, definition.model(), request, response, callback);
        this.definition = definition;
    }

    @Override
    protected void text(String fresh, long offset) {
        // a cache build generates no text
    }

    @Override
    protected void finished(Event finish) {
        if (worker() != null) {
            response.getHeaders().put(InferenceEndpoint.WORKER_HEADER, worker());
        }
        HttpResponses.json(response, callback, 201, CacheJson.created(definition, finish.cacheBuild(), worker()));
    }

    @Override
    protected void failed(ApiError error) {
        HttpResponses.error(response, callback, error);
    }

    @Override
    protected void abandoned(Throwable cause) {
        callback.failed(cause);
    }
}
