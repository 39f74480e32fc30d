package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.fleet.ServingLimits;
import dev.npufleet.gateway.tenancy.InputLimits;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.Protocol;
import java.time.Duration;

/**
 * Turns a validated request into a {@link Job}: checks the model is served, resolves a named cache
 * to its definition, checks the boards' limits ({@link LimitCheck}), sets the reply topic and the deadline. Shared by the synchronous endpoints,
 * asynchronous jobs and batches. Immutable; any thread.
 */
final class JobFactory {
    private final GatewayServices services;
    private final InputLimits limits;

    JobFactory(GatewayServices services) {
        this.services = services;
        this.limits = new InputLimits(services.tenancy());
    }

    /**
     * @param ttl the job's deadline from now
     * @throws dev.npufleet.gateway.api.ApiException 400 for input over the bounds ({@link InputLimits}), 404 for an
     *     unknown model or cache, 503 while caches load
     */
    Job job(InferenceRequest request, Duration ttl) {
        limits.check(request);
        if (!services.models().serves(request.model())) {
            throw ErrorMapping.modelNotFound(request.model()).toException();
        }
        CacheDefinition cache = request.cacheName() == null ? null : cache(request.model(), request.cacheName());
        long now = System.currentTimeMillis();
        request = LimitCheck.apply(request, cache, ServingLimits.of(services.fleet(), request.model(), now));
        return new Job(Protocol.VERSION, JobIds.newId(), request.model(), request.kind(), request.messages(),
                request.prompt(), cache == null ? null : Job.CacheRef.of(cache), request.params(),
                services.topics().events(), now, now + ttl.toMillis(), request.chat());
    }

    private CacheDefinition cache(String model, String name) {
        return services.caches().find(model, name, System.currentTimeMillis()).orElseThrow(() ->
                (services.caches().isReady()
                        ? ErrorMapping.cacheNotFound(model, name, "use_cache")
                        : ErrorMapping.brokerUnavailable("cache definitions are still loading")).toException());
    }
}
