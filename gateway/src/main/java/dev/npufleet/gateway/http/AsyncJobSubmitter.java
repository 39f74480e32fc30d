package dev.npufleet.gateway.http;

import dev.npufleet.gateway.routing.BackgroundLane;
import dev.npufleet.gateway.routing.RouteDecision;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.RoutingKeys;
import io.opentelemetry.context.Context;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an asynchronous job: routes it like a synchronous one, publishes it, and once Kafka
 * acknowledged it, publishes its ACCEPTED event to the events topic (the record that lets any
 * gateway tell "queued" from "unknown"). In that order, so that an ACCEPTED never names a job that
 * is not in the log; if the ACCEPTED cannot be published, the job is cancelled (best effort) and
 * the future fails: the client was not told it exists. Any thread; never blocks beyond the
 * producer's bounded {@code send}.
 */
final class AsyncJobSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncJobSubmitter.class);

    private final GatewayServices services;

    AsyncJobSubmitter(GatewayServices services) {
        this.services = services;
    }

    /** A job that was routed and is being published. */
    record Submitted(Job job, String key, RouteDecision route, CompletableFuture<Void> accepted) {
    }

    /** @param trace the context the job's record carries (the request's trace) */
    Submitted submit(Job job, JobAccepted accepted, Context trace) {
        String key = RoutingKeys.forJob(job);
        RouteDecision route = services.router().routeBackground(job, key);
        AsyncJobFeedback feedback = AsyncJobFeedback.watch(services.exchanges(), job.id(), job.deadline());
        CompletableFuture<Void> done = new CompletableFuture<>();
        // the background lane: interactive requests on the boards go first (docs/RELIABILITY.md, priority lanes)
        OptionalInt partition = BackgroundLane.partition(route,
                services.fleet().live(job.model(), System.currentTimeMillis()), key);
        services.bus().publishBackgroundJob(job, key, partition, trace)
                // leave the producer's I/O thread before sending again: send() may wait for metadata
                .thenComposeAsync(ok -> services.bus().publishEvent(Event.accepted(job.id(), accepted))
                        .whenComplete((ack, failure) -> {
                            if (failure != null) {
                                services.bus().cancel(job.id(), "accepting the job failed");
                            }
                        }), services.executor())
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.atWarn().addKeyValue("jobId", job.id()).addKeyValue("model", job.model())
                                .log("cannot submit asynchronous job: {}", failure.toString());
                        feedback.abandon();
                        done.completeExceptionally(failure);
                    } else {
                        LOG.atDebug().addKeyValue("jobId", job.id()).addKeyValue("model", job.model())
                                .log("accepted asynchronous job, key={}, route={}", key, route.header());
                        done.complete(null);
                    }
                });
        return new Submitted(job, key, route, done);
    }
}
