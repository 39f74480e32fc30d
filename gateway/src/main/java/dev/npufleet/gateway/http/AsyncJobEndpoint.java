package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.gateway.api.JobJson;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.jobs.JobStatus;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The asynchronous jobs API: {@code POST /v1/jobs} (validate like the synchronous endpoint, publish
 * the job and its ACCEPTED, answer 202), {@code GET /v1/jobs/{id}} (the job as its events in the log
 * show it, from any gateway; {@code ?wait=N} polls up to N seconds for its end) and
 * {@code POST /v1/jobs/{id}/cancel}. Request threads only start work: lookups run on the job log's
 * pool, answers are written from its callbacks, and waits re-poll from the timer thread. A client
 * that hangs up during a wait is not noticed (Jetty sees no close on a request it is not writing
 * to): its wait polls on to its end, at most {@value #MAX_WAIT_SECONDS} s of lookups that resume
 * from the job log's cache.
 */
final class AsyncJobEndpoint {
    /** The longest {@code ?wait} honoured: below the connector's idle timeout. */
    static final int MAX_WAIT_SECONDS = 30;
    private static final long REPOLL_MS = 500;

    private final GatewayServices services;
    private final InferenceRequestParser parser;
    private final JobFactory jobs;
    private final AsyncJobSubmitter submitter;

    AsyncJobEndpoint(GatewayServices services) {
        this.services = services;
        this.parser = new InferenceRequestParser(services.requests().defaultMaxTokens());
        this.jobs = new JobFactory(services);
        this.submitter = new AsyncJobSubmitter(services);
    }

    void create(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(),
                body -> create(call, AsyncJobRequest.parse(body, parser)));
    }

    private void create(HttpCall call, AsyncJobRequest request) {
        Job job = jobs.job(request.request(), services.requests().jobTtl());
        RateLimits.chargeTokens(call, request.request());
        JobAccepted accepted = new JobAccepted(request.endpoint(), job.model(), request.request().cacheName(),
                request.metadata(), job.createdAt(), job.deadline(), AccessGuard.caller(call).owner());
        AsyncJobSubmitter.Submitted submitted = submitter.submit(job, accepted,
                GatewayTracing.of(call.request()).context());
        InferenceEndpoint.routeHeaders(call, job, submitted.key(), submitted.route());
        submitted.accepted().whenComplete((ok, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
                return;
            }
            call.response().getHeaders().put(HttpHeader.LOCATION, "/v1/jobs/" + job.id());
            HttpResponses.json(call.response(), call.callback(), 202,
                    JobJson.job(new JobSnapshot(job.id(), accepted, "", null, null, 1)));
        });
    }

    void get(HttpCall call) {
        String id = jobId(call);
        int wait = waitSeconds(call.request());
        poll(call, id, System.nanoTime() + TimeUnit.SECONDS.toNanos(wait));
    }

    private void poll(HttpCall call, String id, long untilNanos) {
        JobLookup.read(services, id).whenComplete((job, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else if (!Ownership.readable(call, job)) {
                call.error(ErrorMapping.notFound("job", id));
            } else if (job.status().isTerminal() || System.nanoTime() >= untilNanos) {
                HttpResponses.json(call.response(), call.callback(), 200, JobJson.job(job));
            } else {
                repoll(call, id, untilNanos, job);
            }
        });
    }

    private void repoll(HttpCall call, String id, long untilNanos, JobSnapshot last) {
        long delay = Math.min(REPOLL_MS, Math.max(0, TimeUnit.NANOSECONDS.toMillis(untilNanos - System.nanoTime())));
        try {
            services.exchanges().timers().schedule(() -> poll(call, id, untilNanos), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            HttpResponses.json(call.response(), call.callback(), 200, JobJson.job(last)); // stopping
        }
    }

    void cancel(HttpCall call) {
        String id = jobId(call);
        JobLookup.read(services, id).thenCompose(job -> {
            if (!Ownership.readable(call, job)) {
                throw ErrorMapping.notFound("job", id).toException();
            }
            JobStatus status = job.status();
            if (status == JobStatus.CANCELLED) {
                return CompletableFuture.completedFuture(JobJson.job(job));
            }
            if (status.isTerminal()) {
                throw ErrorMapping.conflict("job_not_cancellable",
                        "The job " + id + " is already " + status.wire() + "; it cannot be cancelled.").toException();
            }
            return services.bus().publishCancel(id, "cancelled by client").thenApply(ok -> JobJson.cancelling(job));
        }).whenComplete((body, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else {
                HttpResponses.json(call.response(), call.callback(), 200, body);
            }
        });
    }

    /** The path's job id; anything that is not a UUIDv7 cannot name a job: 404. */
    private static String jobId(HttpCall call) {
        String id = call.param(0);
        if (!JobIds.isValid(id)) {
            throw ErrorMapping.notFound("job", id).toException();
        }
        return id;
    }

    private static int waitSeconds(Request request) {
        Fields query = QueryParams.of(request);
        String value = query.getValue("wait");
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int wait = Integer.parseInt(value.strip());
            if (wait >= 0) {
                return Math.min(wait, MAX_WAIT_SECONDS);
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ErrorMapping.invalidField("wait", "'wait' must be a whole number of seconds (0-" + MAX_WAIT_SECONDS
                + "), was '" + value + "'.").toException();
    }
}
