package dev.npufleet.gateway.routing;

import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link Router}: gathers what a policy needs (the model's statuses from the {@link FleetView}, this
 * gateway's jobs in flight per board, holders in waiting, the typical job), runs the configured policy, counts the
 * decision, and remembers where it sent the job until the job ends. Background jobs (asynchronous, batch lines) are
 * remembered apart: an interactive job's estimate counts only what it waits behind on a board (the interactive lane's
 * queue and the running job), a background job's counts both lanes.
 *
 * <p>Thread-safe: decisions and feedback are serialized on this object. That is what keeps a burst from herding:
 * each decision sees the jobs the previous ones placed. Each critical section is a few microseconds of arithmetic
 * over the model's boards, never I/O.
 */
public final class FleetRouter implements Router {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRouter.class);
    /** Tracking of a job without a deadline ends this long after it was sent. */
    private static final long NO_DEADLINE_MS = Duration.ofMinutes(10).toMillis();

    private final RoutingSettings settings;
    private final FleetView fleet;
    private final GatewayMetrics metrics;
    private final LongSupplier clock;
    private final CacheAwarePolicy cacheAware;
    private final RoundRobinPolicy roundRobin;
    private final long holderGraceMs;
    private final InFlightJobs inFlight = new InFlightJobs();
    private final InFlightJobs backgroundInFlight = new InFlightJobs();
    private final PendingHolders pending = new PendingHolders();
    private final RecentEnds ends = new RecentEnds();
    private final JobShapes shapes;

    /**
     * @param clock epoch milliseconds, comparable with the workers' status timestamps
     */
    public FleetRouter(RoutingSettings settings, FleetView fleet, GatewayMetrics metrics, LongSupplier clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cacheAware = new CacheAwarePolicy(settings, fleet.staleAfter());
        this.roundRobin = new RoundRobinPolicy(fleet.staleAfter());
        // a board shows a cache it built at its next heartbeat; past the stale limit it never will
        this.holderGraceMs = fleet.staleAfter().toMillis();
        this.shapes = new JobShapes(settings.charsPerToken());
    }

    @Override
    public synchronized RouteDecision route(Job job, String routingKey) {
        return route(job, routingKey, false);
    }

    @Override
    public synchronized RouteDecision routeBackground(Job job, String routingKey) {
        return route(job, routingKey, true);
    }

    private RouteDecision route(Job job, String routingKey, boolean background) {
        RouteDecision decision;
        try {
            long now = clock.getAsLong();
            JobFootprint footprint = JobFootprint.of(job, routingKey);
            decision = decide(footprint, now, background);
            remember(job, footprint, decision, now, background ? backgroundInFlight : inFlight);
        } catch (RuntimeException e) {
            // routing is an optimisation: the key hash still gets the job served
            LOG.atWarn().addKeyValue("jobId", job.id()).setCause(e).log("routing failed; leaving it to the key hash");
            decision = RouteDecision.keyHash(settings.policy(), RouteReason.ROUTING_FAILED);
        }
        metrics.routingDecision(decision.policy().configName(), decision.reason().name());
        if (LOG.isDebugEnabled()) {
            // guarded: the header and the boxing would be built on every request for a line that is off
            LOG.atDebug().addKeyValue("jobId", job.id()).addKeyValue("model", job.model())
                    .addKeyValue("board", decision.board())
                    .log("routed key {}: {} (estimated TTFT {} ms)", routingKey, decision.header(),
                            Math.round(decision.estimatedTtftMs()));
        }
        return decision;
    }

    private RouteDecision decide(JobFootprint job, long now, boolean background) {
        return switch (settings.policy()) {
            case HASH -> RouteDecision.keyHash(RoutingPolicy.HASH, RouteReason.KEY_HASH);
            case ROUND_ROBIN -> roundRobin.decide(RouteRequest.of(job, shapes.charsPerToken(job.model())),
                    FleetSnapshot.of(statuses(job.model(), background)), now);
            case CACHE_AWARE -> {
                RouteRequest request = RouteRequest.of(job, shapes.charsPerToken(job.model()));
                FleetSnapshot snapshot = snapshot(job, now, background);
                if (LOG.isDebugEnabled()) {
                    LOG.atDebug().log("estimates for key {}: {}; in flight from here {}", job.routingKey(),
                            cacheAware.estimates(request, snapshot, now), snapshot.inFlight());
                }
                yield cacheAware.decide(request, snapshot, now);
            }
        };
    }

    private FleetSnapshot snapshot(JobFootprint job, long now, boolean background) {
        List<WorkerStatus> statuses = statuses(job.model(), background);
        Set<String> holders = job.namesCache()
                ? pending.boards(job.model(), job.cacheName(), job.cacheRevision(), now, statuses) : Set.of();
        Map<String, Integer> counts = inFlight.counts(job.model(), now); // a fresh map of its own
        if (background) {
            backgroundInFlight.counts(job.model(), now).forEach((board, n) -> counts.merge(board, n, Integer::sum));
        }
        return new FleetSnapshot(statuses, counts, holders, shapes.typical(job.model()));
    }

    /**
     * The model's statuses, each less the jobs it still counts that this gateway saw end on its board; for a
     * background job, with the board's background queue added (it waits behind both lanes).
     */
    private List<WorkerStatus> statuses(String model, boolean background) {
        List<WorkerStatus> boards = fleet.of(model);
        List<WorkerStatus> out = new ArrayList<>(boards.size());
        for (WorkerStatus s : boards) {
            int endedSince = s.queueDepth() > 0 ? ends.stillCounted(s) : 0;
            long depth = Math.max(0, s.queueDepth() - endedSince) + (background ? s.backgroundDepth() : 0);
            out.add(depth == s.queueDepth() ? s : s.withQueueDepth(depth));
        }
        return out;
    }

    private void remember(Job job, JobFootprint footprint, RouteDecision decision, long now, InFlightJobs tracked) {
        if (decision.board() == null) {
            return;
        }
        long expiresAt = job.deadline() > 0 ? job.deadline() : now + NO_DEADLINE_MS;
        tracked.sent(job.id(), new InFlightJobs.Entry(job.model(), decision.board(), footprint, expiresAt));
        if (footprint.namesCache()) {
            // the board builds the cache before running the job if it lacks it: the next jobs should meet it there
            pending.expect(job.id(), job.model(), footprint.cacheName(), footprint.cacheRevision(), decision.board(),
                    expiresAt);
        }
    }

    @Override
    public synchronized void started(String jobId, String worker) {
        inFlight.started(jobId, worker);
        backgroundInFlight.started(jobId, worker);
        pending.started(jobId, worker);
    }

    @Override
    public synchronized void ended(String jobId, Event terminal) {
        InFlightJobs.Entry entry = inFlight.ended(jobId);
        entry = entry != null ? entry : backgroundInFlight.ended(jobId);
        if (entry == null) {
            return;
        }
        if (terminal != null && terminal.worker() != null && terminal.timestamp() > 0) {
            ends.ended(terminal.worker(), jobId, terminal.timestamp());
        }
        boolean finished = terminal != null && terminal.type() == EventType.FINISH
                && !"cancelled".equals(terminal.finishReason());
        if (finished) {
            pending.finished(jobId, clock.getAsLong() + holderGraceMs);
            if (entry.footprint().kind() != JobKind.CACHE_BUILD) {
                shapes.observe(entry.model(), entry.footprint().promptChars(), terminal.usage());
            }
        } else {
            pending.failed(jobId);
        }
    }

    @Override
    public synchronized RoutingView view(long nowMillis) {
        Map<String, Integer> all = new TreeMap<>(inFlight.all(nowMillis));
        backgroundInFlight.all(nowMillis).forEach((board, n) -> all.merge(board, n, Integer::sum));
        return new RoutingView(settings.policy(), settings.loadFactor(), all,
                pending.all(nowMillis, fleet.all()));
    }

    /** Jobs tracked as in flight (for tests and gauges). */
    public synchronized int inFlightJobs() {
        return inFlight.size() + backgroundInFlight.size();
    }
}
