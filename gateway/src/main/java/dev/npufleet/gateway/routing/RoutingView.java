package dev.npufleet.gateway.routing;

import java.util.List;
import java.util.Map;

/**
 * This gateway's routing state as {@code GET /v1/fleet} shows it.
 *
 * @param inFlight per board, jobs this gateway sent there that have not ended
 * @param pendingCaches per board, caches this gateway expects it to hold soon (a build sent there)
 */
public record RoutingView(RoutingPolicy policy, double loadFactor, Map<String, Integer> inFlight,
        Map<String, List<String>> pendingCaches) {

    public RoutingView {
        inFlight = Map.copyOf(inFlight);
        pendingCaches = Map.copyOf(pendingCaches);
    }
}
