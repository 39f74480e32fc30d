package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.AnswerShape;
import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.gateway.routing.RouteDecision;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.gateway.tracing.RequestTrace;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.RoutingKeys;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: validates the request, turns
 * it into a {@link Job}, registers the exchange that will answer, publishes the job. Returns at
 * once; the answer is written when the job's events arrive. Any request thread.
 */
final class InferenceEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceEndpoint.class);
    static final String JOB_HEADER = "x-npufleet-job-id";
    static final String ROUTE_HEADER = "x-npufleet-route";
    static final String WORKER_HEADER = "x-npufleet-worker";
    static final String ESTIMATE_HEADER = "x-npufleet-routing-estimate-ms";

    private final GatewayServices services;
    private final JobKind kind;
    private final InferenceRequestParser parser;
    private final JobFactory jobs;
    private final DelayedBatch acceptedFallbacks;

    InferenceEndpoint(GatewayServices services, JobKind kind) {
        this.services = services;
        this.kind = kind;
        this.parser = new InferenceRequestParser(services.requests().defaultMaxTokens());
        this.jobs = new JobFactory(services);
        this.acceptedFallbacks = new DelayedBatch(services.exchanges().timers(), services.requests().acceptedDelay());
    }

    void handle(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            InferenceRequest request = parser.parse(body, kind);
            submit(call, request, job -> new OpenAiFraming(CompletionFormat.of(request.kind(), job.id(), job.model(),
                    job.createdAt(), request.cacheName()), request.includeUsage()));
        });
    }

    /**
     * Makes the request's job, routes and publishes it, and answers in the framing made for the job: the one
     * generation path of every API the gateway speaks (OpenAI's, Ollama's).
     *
     * @throws dev.npufleet.gateway.api.ApiException for an unknown model or cache, or while the broker is not ready
     */
    void submit(HttpCall call, InferenceRequest request, Function<Job, AnswerFraming> framings) {
        Job job = jobs.job(request, services.requests().timeout());
        RateLimits.chargeTokens(call, request);
        if (!services.eventsReady().getAsBoolean()) {
            throw ErrorMapping.brokerUnavailable("not connected to the broker yet").toException();
        }
        String key = RoutingKeys.forJob(job);
        RouteDecision route = services.router().route(job, key);
        Admission.check(services, call, job, route);
        routeHeaders(call, job, key, route);

        AnswerFraming framing = framings.apply(job);
        JobExchange exchange = request.stream()
                ? new StreamingExchange(services.exchanges(), job.id(), job.model(), call.request(), call.response(),
                        call.callback(), framing, AnswerShape.of(request))
                : new UnaryExchange(services.exchanges(), job.id(), job.model(), call.request(), call.response(),
                        call.callback(), framing, AnswerShape.of(request));
        String owner = AccessGuard.caller(call).owner();
        DeferredAccepted accepted = new DeferredAccepted(() -> recordAccepted(job, request, owner), acceptedFallbacks,
                services.executor());
        exchange.whenAnswerStarts(accepted::answerStarted);
        exchange.open(call.request());
        exchange.jobSent();
        accepted.jobSent();
        RequestTrace trace = GatewayTracing.of(call.request());
        services.bus().publishJob(job, key, route.partition(), trace.context()).whenComplete((ok, failure) -> {
            if (failure != null) {
                accepted.jobFailed();
                exchange.publishFailed(failure);
            } else {
                exchange.jobAcked();
                trace.acknowledged();
                accepted.jobAcknowledged();
            }
        });
        if (LOG.isDebugEnabled()) {
            LOG.atDebug().addKeyValue("jobId", job.id()).addKeyValue("model", job.model())
                    .log("published {} job, stream={}, key={}, route={}", request.kind(), request.stream(), key,
                            route.header());
        }
    }

    /**
     * Writes the job's ACCEPTED to the log, as for an asynchronous job, so that any gateway can answer
     * {@code GET /v1/jobs/{id}} for it: a client whose gateway died mid-answer gets the answer from another gateway by
     * the id in {@code x-npufleet-job-id}. Off the first token's path ({@link DeferredAccepted} says when): not
     * awaited, a failure only logged.
     */
    private void recordAccepted(Job job, InferenceRequest request, String owner) {
        String endpoint = switch (request.kind()) {
            case CHAT -> AsyncJobRequest.CHAT_ENDPOINT;
            case EMBEDDING -> AsyncJobRequest.EMBEDDINGS_ENDPOINT;
            default -> AsyncJobRequest.COMPLETIONS_ENDPOINT;
        };
        JobAccepted accepted = new JobAccepted(endpoint, job.model(), request.cacheName(), null, job.createdAt(),
                job.deadline(), owner);
        services.bus().publishEvent(Event.accepted(job.id(), accepted)).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.atWarn().addKeyValue("jobId", job.id())
                        .log("ACCEPTED not recorded; GET /v1/jobs/{id} will not know the job: {}", failure.toString());
            }
        });
    }

    /**
     * The job id, its routing key ({@code x-npufleet-route}), and the decision ({@code x-npufleet-routing}: policy,
     * reason, board, partition; {@code x-npufleet-routing-estimate-ms}: the policy's TTFT estimate). The board that
     * really serves comes later, in {@code x-npufleet-worker}: a rebalance may move the partition meanwhile.
     */
    static void routeHeaders(HttpCall call, Job job, String key, RouteDecision route) {
        call.response().getHeaders().put(JOB_HEADER, job.id());
        call.response().getHeaders().put(ROUTE_HEADER, key);
        call.response().getHeaders().put(RouteDecision.HEADER, route.header());
        if (Double.isFinite(route.estimatedTtftMs())) {
            call.response().getHeaders().put(ESTIMATE_HEADER, Long.toString(Math.round(route.estimatedTtftMs())));
        }
    }
}
