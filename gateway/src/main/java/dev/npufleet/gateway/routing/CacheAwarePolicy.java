package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cache-aware routing with bounded load, as a pure function of the fleet snapshot and {@code now} (no Kafka, no
 * clock, no state): the job goes to the board with the lowest estimated time to first token among those within
 * the load bound.
 *
 * <p>For each usable board b (fresh status, not draining, owning partitions):
 * <pre>
 *   queued(b)  = max(status queue depth, jobs this gateway has in flight on b)
 *   cap(b)     = status capacity (1.0 when missing)
 *   rate(b)    = measured prefill / decode tokens per second, else the configured defaults x cap(b)
 *   service(b) = typical prefill tokens / prefill(b) + typical decode tokens / decode(b)
 *   ttft(b)    = queued(b) x service(b) + tokens b must prefill for this job / prefill(b)
 *                (the whole prompt, or only what follows the cache when b holds it)
 *   load(b)    = queued(b) / cap(b);  eligible iff load(b) <= c x (sum queued / sum cap) + 1
 * </pre>
 * Measured rates already carry a board's speed, so capacity scales only the defaults; in the bound it is the
 * board's weight. Among eligible boards the lowest {@code ttft} wins; estimates within {@link #TIE_MS} or
 * {@link #TIE_FRACTION} of the best count as equal, and then a holder of the cache wins, then the key's stable
 * owner (rendezvous hashing over board ids), so that equal keys keep meeting on one board while the fleet is
 * idle. The least loaded board is always eligible, so an eligible board exists whenever a usable one does.
 *
 * <p>Thread-safe (immutable).
 */
public final class CacheAwarePolicy {
    /** Estimates this close are equal: they are rough, and affinity is worth more than their noise. */
    static final double TIE_MS = 25;
    static final double TIE_FRACTION = 0.05;

    private final RoutingSettings settings;
    private final Duration staleAfter;

    public CacheAwarePolicy(RoutingSettings settings, Duration staleAfter) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    }

    public RouteDecision decide(RouteRequest request, FleetSnapshot fleet, long now) {
        List<BoardEstimate> all = estimates(request, fleet, now);
        if (all.isEmpty()) {
            return RouteDecision.keyHash(RoutingPolicy.CACHE_AWARE, RouteReason.NO_FLEET_VIEW);
        }
        // loops, not streams: this runs on every request's path, under the router's lock
        double bound = loadBound(all);
        double best = Double.POSITIVE_INFINITY;
        for (BoardEstimate e : all) {
            if (e.load() <= bound) {
                best = Math.min(best, e.ttftMs());
            }
        }
        if (best == Double.POSITIVE_INFINITY) {
            return RouteDecision.keyHash(RoutingPolicy.CACHE_AWARE, RouteReason.NO_ELIGIBLE_BOARD);
        }
        double tie = best + Math.max(TIE_MS, TIE_FRACTION * best);
        String key = request.routingKey();
        long keyHash = StableHash.of(key);
        BoardEstimate chosen = null;
        long chosenScore = 0;
        for (BoardEstimate e : all) {
            if (e.load() > bound || e.ttftMs() > tie) {
                continue;
            }
            long score = StableHash.rendezvous(keyHash, e.board());
            // the holder first, then the key's owner; the first of equals stays
            if (chosen == null || Boolean.compare(e.holder(), chosen.holder()) > 0
                    || e.holder() == chosen.holder() && score > chosenScore) {
                chosen = e;
                chosenScore = score;
            }
        }
        return RouteDecision.to(RoutingPolicy.CACHE_AWARE, reason(request, keyHash, chosen, all), chosen.board(),
                StableHash.partitionFor(key, chosen.partitions()), chosen.ttftMs());
    }

    /** Every usable board's estimate for this job, by board id (for decisions, views and tests). */
    public List<BoardEstimate> estimates(RouteRequest request, FleetSnapshot fleet, long now) {
        List<WorkerStatus> usable = UsableBoards.of(fleet.statuses(), request.model(), now, staleAfter);
        List<BoardEstimate> out = new ArrayList<>(usable.size());
        for (WorkerStatus s : usable) {
            out.add(estimate(s, request, fleet));
        }
        return out;
    }

    /** {@code c x mean load + 1}: the +1 lets an idle or nearly idle fleet keep affinity. */
    double loadBound(List<BoardEstimate> boards) {
        double queued = 0;
        double capacity = 0;
        for (BoardEstimate b : boards) {
            queued += b.queued();
            capacity += b.capacity();
        }
        // a hair of slack, so that a load exactly at the bound is not lost to rounding
        return settings.loadFactor() * (queued / capacity) + 1 + 1e-9;
    }

    private BoardEstimate estimate(WorkerStatus s, RouteRequest request, FleetSnapshot fleet) {
        double capacity = positiveOr(s.capacity(), 1.0);
        double prefillTps = positiveOr(s.prefillTokensPerSecond(), settings.defaultPrefillTps() * capacity);
        double decodeTps = positiveOr(s.decodeTokensPerSecond(), settings.defaultDecodeTps() * capacity);
        long queued = Math.max(Math.max(0, s.queueDepth()), fleet.inFlight(s.workerId()));
        TypicalJob typical = fleet.typical();
        double serviceMs = 1000 * (typical.prefillTokens() / prefillTps + typical.decodeTokens() / decodeTps);
        boolean holder = holds(s, request) || fleet.pendingHolders().contains(s.workerId());
        double prefill = holder ? request.promptTokens() - request.prefixTokens() : request.promptTokens();
        double ttft = queued * serviceMs + 1000 * prefill / prefillTps;
        return new BoardEstimate(s.workerId(), UsableBoards.partitions(s), queued, capacity, queued / capacity,
                serviceMs, prefill, ttft, holder);
    }

    /** A board of another revision does not hold the cache: it would rebuild it. */
    static boolean holds(WorkerStatus s, RouteRequest request) {
        if (request.cacheName() == null) {
            return false;
        }
        for (WorkerStatus.CacheHolding c : s.caches()) {
            if (request.cacheName().equals(c.name())
                    && (request.cacheRevision() == null || request.cacheRevision().equals(c.revision()))) {
                return true;
            }
        }
        return false;
    }

    private static RouteReason reason(RouteRequest request, long keyHash, BoardEstimate chosen,
            List<BoardEstimate> all) {
        if (chosen.holder()) {
            return RouteReason.CACHE_HOLDER;
        }
        String owner = null;
        long ownerScore = 0;
        for (BoardEstimate e : all) {
            if (e.holder()) {
                return RouteReason.SPILL_OVERLOADED;
            }
            long score = StableHash.rendezvous(keyHash, e.board());
            if (owner == null || score > ownerScore) {
                owner = e.board();
                ownerScore = score;
            }
        }
        return request.cacheName() != null && chosen.board().equals(owner)
                ? RouteReason.NEW_REPLICA_ON_KEY_OWNER : RouteReason.LEAST_LOADED;
    }

    private static double positiveOr(double value, double fallback) {
        return value > 0 && Double.isFinite(value) ? value : fallback;
    }
}
