package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.Canceller;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.gateway.routing.RoutingFeedback;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every request waiting on a job shares: the registry it waits in, the timer thread that
 * enforces its deadline (and keeps idle streams alive), the way to cancel its job, the meters, and the router
 * that placed the job (told when it starts and ends, so that it knows each board's jobs in flight).
 * Immutable; any thread.
 *
 * @param keepAlive how long a stream may go without a write before it gets an SSE comment
 */
public record ExchangeServices(PendingJobs pending, ScheduledExecutorService timers, Canceller canceller,
        GatewayMetrics metrics, Duration requestTimeout, Duration keepAlive, RoutingFeedback routing) {
    public ExchangeServices {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(canceller, "canceller");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(routing, "routing");
    }
}
