package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import java.util.Map;

/**
 * Decides which partition of its model's job topic a job goes to, and so which board runs it, and hears how the
 * jobs it placed end. Implementations are called on request threads, concurrently, must not block, and must not
 * fail a request: when they cannot decide they leave it to Kafka's hash of the routing key.
 */
public interface Router extends RoutingFeedback {
    /** @param routingKey the job's record key ({@code RoutingKeys.forJob}), kept whatever the partition */
    RouteDecision route(Job job, String routingKey);

    /**
     * Routes a background job (asynchronous, or a batch line), which waits behind both lanes' queues on a board and
     * must not count in interactive jobs' estimates. The decision names a partition of the interactive topic's
     * board; {@link BackgroundLane} maps it to the background topic. A router without lanes routes it as
     * {@link #route}.
     */
    default RouteDecision routeBackground(Job job, String routingKey) {
        return route(job, routingKey);
    }

    /** The state behind the decisions, for {@code GET /v1/fleet}. */
    RoutingView view(long nowMillis);

    /** No policy: Kafka's key hash decides, so equal keys meet on one partition. Remembers nothing. */
    static Router keyHash() {
        return new Router() {
            @Override
            public RouteDecision route(Job job, String routingKey) {
                return RouteDecision.keyHash(RoutingPolicy.HASH, RouteReason.KEY_HASH);
            }

            @Override
            public RoutingView view(long nowMillis) {
                return new RoutingView(RoutingPolicy.HASH, 1, Map.of(), Map.of());
            }

            @Override
            public void started(String jobId, String worker) {
            }

            @Override
            public void ended(String jobId, Event terminal) {
            }
        };
    }
}
