package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.FleetJson;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.JsonCodec;
import java.util.Locale;

/**
 * The read-only endpoints: {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code GET /v1/fleet}, {@code GET /health},
 * {@code GET /metrics}. Any request thread.
 */
final class InfoEndpoints {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayServices services;
    private final GatewayMetrics metrics;
    private final long startedSeconds = System.currentTimeMillis() / 1000;

    InfoEndpoints(GatewayServices services) {
        this.services = services;
        this.metrics = services.exchanges().metrics();
    }

    void models(HttpCall call) {
        long now = System.currentTimeMillis();
        HttpResponses.json(call.response(), call.callback(), 200, FleetJson.models(services.models().models(),
                model -> services.fleet().live(model, now).size(), startedSeconds));
    }

    /** One served model; 404 {@code model_not_found} for any other. */
    void model(HttpCall call) {
        String id = call.param(0);
        if (!services.models().serves(id)) {
            throw ErrorMapping.modelNotFound(id).toException();
        }
        HttpResponses.json(call.response(), call.callback(), 200,
                FleetJson.model(id, services.fleet().live(id, System.currentTimeMillis()).size(), startedSeconds));
    }

    void fleet(HttpCall call) {
        long now = System.currentTimeMillis();
        ObjectNode body = FleetJson.fleet(services.models().models(), services.fleet().all(),
                s -> services.fleet().isLive(s, now), services.router().view(now), now);
        body.put("stale_after_ms", services.fleet().staleAfter().toMillis());
        if (!AccessGuard.caller(call).admin()) {
            // a board's running job belongs to some key: only an admin key sees job ids
            body.path("models").forEach(m -> m.path("boards").forEach(b -> ((ObjectNode) b).remove("current_job")));
        }
        // this gateway's recent jobs per model, as the boards timed them (the fleet page's "recent" figures)
        body.path("models").forEach(m -> ((ObjectNode) m).set("recent", metrics.recent().json(m.path("model").asText())));
        HttpResponses.json(call.response(), call.callback(), 200, body);
    }

    /**
     * Always 200 while the process serves HTTP (a liveness answer); the body says whether jobs can
     * be served ({@code status: ok}) or not ({@code degraded}) and why.
     */
    void health(HttpCall call) {
        HttpResponses.json(call.response(), call.callback(), 200, healthBody());
    }

    /**
     * The same body as {@link #health}, but 503 while jobs cannot be served: a readiness probe for
     * load balancers and Kubernetes, so a gateway cut off from Kafka gets no traffic.
     */
    void ready(HttpCall call) {
        ObjectNode body = healthBody();
        HttpResponses.json(call.response(), call.callback(), body.path("status").asText().equals("ok") ? 200 : 503, body);
    }

    private ObjectNode healthBody() {
        BrokerStatus broker = services.broker();
        boolean events = services.eventsReady().getAsBoolean();
        boolean ok = events && broker.state() != BrokerStatus.State.DOWN;
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("status", ok ? "ok" : "degraded");
        body.put("gateway_id", services.gatewayId());
        body.put("broker", broker.state().name().toLowerCase(Locale.ROOT));
        if (broker.lastError() != null) {
            body.put("broker_error", broker.lastError());
        }
        body.put("topics", broker.topicsReady() ? "ready" : "pending");
        body.put("events", events ? "ready" : "connecting");
        body.put("caches", services.caches().isReady() ? "ready" : "loading");
        body.put("pending_jobs", services.exchanges().pending().size());
        body.put("open_streams", metrics.openStreams());
        body.putPOJO("models", services.models().models());
        return body;
    }

    void metrics(HttpCall call) {
        HttpResponses.text(call.response(), call.callback(), 200, PROMETHEUS_TEXT, metrics.scrape());
    }
}
