package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.CacheCreateRequest;
import dev.npufleet.gateway.tenancy.InputLimits;
import dev.npufleet.gateway.api.CacheJson;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.routing.RouteDecision;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.protocol.WorkerStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named-cache API (RockchipLlama's paths): create = publish the definition to the compacted
 * caches topic, then a CACHE_BUILD job keyed {@code model/name}, routed like the jobs that will use it
 * (so that they meet the board that builds it), and answer 201 after its FINISH; list/get from this
 * gateway's views; delete = a tombstone, on which every board deletes its file. Any request thread.
 */
final class CacheEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(CacheEndpoint.class);

    private final GatewayServices services;

    CacheEndpoint(GatewayServices services) {
        this.services = services;
    }

    void create(HttpCall call) {
        String model = servedModel(call);
        BodyReader.read(call, services.requests().maxBodyBytes(),
                body -> create(call, model, CacheCreateRequest.parse(body)));
    }

    private void create(HttpCall call, String model, CacheCreateRequest request) {
        InputLimits limits = new InputLimits(services.tenancy());
        limits.checkMessages(request.messages(), "messages");
        if (request.prompt() != null) {
            limits.checkPrompt(request.prompt(), "prompt");
        }
        requireBroker();
        long now = System.currentTimeMillis();
        // every (re)definition gets a new revision, so no board serves a file of an older one
        CacheDefinition definition = request.toDefinition(model, JobIds.newId(), now);
        Job job = new Job(Protocol.VERSION, JobIds.newId(), model, JobKind.CACHE_BUILD, List.of(), null,
                Job.CacheRef.of(definition), GenerationParams.defaults(), services.topics().events(), now,
                now + services.requests().timeout().toMillis());
        String key = RoutingKeys.forJob(job);
        // routed like any job naming the cache: no holder yet, so the key's owner or the least loaded board builds
        // it, and the router remembers that board as the holder-in-waiting for the jobs that follow
        RouteDecision route = services.router().route(job, key);
        InferenceEndpoint.routeHeaders(call, job, key, route);

        CacheBuildExchange exchange = new CacheBuildExchange(services.exchanges(), job.id(), call.request(),
                call.response(), call.callback(), definition);
        exchange.open(call.request());
        services.bus().publishCacheDefinition(definition)
                // leave the producer's I/O thread before sending again: send() may wait for metadata
                .thenComposeAsync(offset -> {
                    services.caches().applyOwn(definition, offset);
                    return services.bus().publishJob(job, key, route.partition(),
                            GatewayTracing.of(call.request()).context());
                }, services.executor())
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        exchange.publishFailed(failure);
                    }
                });
        LOG.atInfo().addKeyValue("model", model).addKeyValue("jobId", job.id())
                .log("cache {} defined (revision {}); building", definition.name(), definition.revision());
    }

    void list(HttpCall call) {
        String model = servedModel(call);
        requireCachesLoaded();
        long now = System.currentTimeMillis();
        List<WorkerStatus> boards = services.fleet().live(model, now);
        List<ObjectNode> caches = services.caches().list(model, now).stream()
                .map(def -> CacheJson.cache(def, boards)).toList();
        HttpResponses.json(call.response(), call.callback(), 200, CacheJson.list(model, caches));
    }

    void get(HttpCall call) {
        String model = servedModel(call);
        CacheDefinition definition = existing(model, call.param(1));
        long now = System.currentTimeMillis();
        HttpResponses.json(call.response(), call.callback(), 200,
                CacheJson.cache(definition, services.fleet().live(model, now)));
    }

    void delete(HttpCall call) {
        String model = servedModel(call);
        String name = existing(model, call.param(1)).name();
        if (!AccessGuard.caller(call).admin()) {
            // named caches are shared per model: one key's delete would take the prefix from every key using it
            throw AccessGuard.adminOnly("DELETE /v1/cache/{model}/{name}").toException();
        }
        requireBroker();
        services.bus().publishCacheDeletion(model, name).whenComplete((offset, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
                return;
            }
            services.caches().removeOwn(model, name, offset);
            LOG.atInfo().addKeyValue("model", model).log("cache {} deleted", name);
            HttpResponses.json(call.response(), call.callback(), 200, CacheJson.deleted(model, name));
        });
    }

    private String servedModel(HttpCall call) {
        String model = call.param(0);
        if (!services.models().serves(model)) {
            throw ErrorMapping.modelNotFound(model).toException();
        }
        return model;
    }

    private CacheDefinition existing(String model, String name) {
        if (!CacheDefinition.isValidName(name)) {
            throw ErrorMapping.invalidField("cache_name",
                    "A cache name is 1-64 letters, digits, '.', '_' or '-'.").toException();
        }
        requireCachesLoaded();
        return services.caches().find(model, name, System.currentTimeMillis())
                .orElseThrow(() -> ErrorMapping.cacheNotFound(model, name, null).toException());
    }

    private void requireCachesLoaded() {
        if (!services.caches().isReady()) {
            throw new ApiException(ErrorMapping.brokerUnavailable("cache definitions are still loading"));
        }
    }

    private void requireBroker() {
        if (!services.eventsReady().getAsBoolean()) {
            throw ErrorMapping.brokerUnavailable("not connected to the broker yet").toException();
        }
    }
}
