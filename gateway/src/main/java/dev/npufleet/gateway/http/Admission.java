package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.routing.RouteDecision;
import dev.npufleet.protocol.Job;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Admission control for interactive requests: when the router's estimate of a new job's time to its first token
 * (its board's queue times the board's service time, plus its own prefill) is above
 * {@code NPUFLEET_ADMIT_MAX_WAIT_MS}, the request is answered 429 with the estimated excess as
 * {@code Retry-After}, rather than queuing for minutes; the router forgets the job. Asynchronous jobs and batch
 * lines are not checked: they queue, and their deadline governs them. Only the cache-aware policy estimates; with
 * another, or with no board to estimate, requests are admitted. Stateless; any thread.
 */
final class Admission {
    private Admission() {
    }

    /** @throws dev.npufleet.gateway.api.ApiException 429 when the estimated wait is above the bound */
    static void check(GatewayServices services, HttpCall call, Job job, RouteDecision route) {
        long bound = services.tenancy().admitMaxWaitMs();
        double estimate = route.estimatedTtftMs();
        if (bound == 0 || Double.isNaN(estimate) || estimate <= bound) {
            return;
        }
        services.router().ended(job.id(), null);
        long retryAfter = Math.max(1, (long) Math.ceil((estimate - bound) / 1000));
        call.response().getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfter));
        throw new ApiError(429, "requests", "model_overloaded", "model", "The model '" + job.model()
                + "' is busy: its estimated wait is " + Math.round(estimate) + " ms, above this fleet's bound of "
                + bound + " ms. Retry after " + retryAfter + " s, or submit the request as an asynchronous job "
                + "(POST /v1/jobs).").toException();
    }
}
