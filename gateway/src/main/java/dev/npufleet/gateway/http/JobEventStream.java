package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.SseFrames;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/jobs/{id}/events}: a job's answer as the SSE stream its endpoint streams (OpenAI chunks, each
 * with {@code id:} = the code-point offset after it), from any gateway, starting after the offset in
 * {@code Last-Event-ID} or {@code ?after=}. So a client whose stream broke (its gateway died, say) resumes where
 * it was, elsewhere. The job is followed by re-reading its events from the log every {@value #POLL_MS} ms (each
 * read goes on from the last), not by the live relay: a resumed stream lags by up to that much.
 *
 * <p>Threads: reads complete on the job log's threads, re-reads are scheduled on the exchanges' timer; one read
 * is in flight at a time, so the state below is touched by one thread at a time, handed over through the
 * executors. A client that went away fails a write (a keep-alive comment at the latest), which stops the polling.
 */
final class JobEventStream {
    static final long POLL_MS = 250;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** How long past its deadline a job without an end is followed (its worker reports the deadline itself). */
    private static final long DEADLINE_GRACE_MS = 60_000;

    private final GatewayServices services;
    private final HttpCall call;
    private final String jobId;
    private final SseWriter writer;
    private volatile boolean closed;
    private CompletionFormat format;
    private long deadline;
    private long offset;
    private long lastWriteNanos = System.nanoTime();

    private JobEventStream(GatewayServices services, HttpCall call, String jobId, long after) {
        this.services = services;
        this.call = call;
        this.jobId = jobId;
        this.offset = after;
        this.writer = new SseWriter(call.response(), call.callback(), failure -> closed = true, () -> closed = true);
    }

    static void open(GatewayServices services, HttpCall call) {
        String id = call.param(0);
        if (!JobIds.isValid(id)) {
            throw ErrorMapping.notFound("job", id).toException();
        }
        JobEventStream stream = new JobEventStream(services, call, id, after(call.request()));
        services.jobLog().read(id).whenComplete((job, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else if (!Ownership.readable(call, job)) {
                call.error(ErrorMapping.notFound("job", id));
            } else {
                stream.start(job);
            }
        });
    }

    private void start(JobSnapshot job) {
        JobAccepted accepted = job.accepted();
        JobKind kind = AsyncJobRequest.kind(accepted.endpoint(), "endpoint");
        format = CompletionFormat.of(kind, jobId, accepted.model(), accepted.createdAt(), accepted.cache());
        deadline = accepted.deadline() > 0 ? accepted.deadline() + DEADLINE_GRACE_MS : Long.MAX_VALUE;
        HttpResponses.startEventStream(call.response());
        call.response().getHeaders().put(InferenceEndpoint.JOB_HEADER, jobId);
        if (kind == JobKind.CHAT && offset == 0) {
            writer.enqueue(SseFrames.event(0, format.roleChunk()));
        }
        follow(job);
    }

    /** Writes what is new in {@code job}, then ends the stream or reads again later. */
    private void follow(JobSnapshot job) {
        if (closed) {
            return;
        }
        String text = job.text();
        int length = text.codePointCount(0, text.length());
        if (length > offset) {
            String fresh = text.substring(text.offsetByCodePoints(0, (int) offset));
            offset = length;
            writer.enqueue(SseFrames.event(offset, format.textChunk(fresh)));
            lastWriteNanos = System.nanoTime();
        }
        if (job.terminal() != null) {
            ByteBuffer last = job.terminal().type() == EventType.ERROR
                    ? SseFrames.error(ErrorMapping.fromWorker(job.terminal().error()))
                    : CompletionFormat.CANCELLED.equals(job.terminal().finishReason())
                    ? SseFrames.error(ErrorMapping.cancelled())
                    : SseFrames.event(Math.max(offset, length), format.finishChunk(job.terminal().finishReason()));
            writer.enqueueLast(last, SseFrames.done());
        } else if (System.currentTimeMillis() > deadline) {
            ApiError timeout = ErrorMapping.timeout(java.time.Duration.ofMillis(DEADLINE_GRACE_MS));
            writer.enqueueLast(SseFrames.error(timeout), SseFrames.done());
        } else {
            if (System.nanoTime() - lastWriteNanos > KEEP_ALIVE_NANOS) {
                writer.enqueue(SseFrames.comment());
                lastWriteNanos = System.nanoTime();
            }
            schedule();
        }
        writer.iterate();
    }

    private void schedule() {
        try {
            services.exchanges().timers().schedule(this::poll, POLL_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            writer.enqueueLast(SseFrames.error(ErrorMapping.brokerUnavailable("the gateway is stopping")),
                    SseFrames.done());
        }
    }

    private void poll() {
        if (closed) {
            return;
        }
        services.jobLog().read(jobId).whenComplete((job, failure) -> {
            if (failure == null) {
                follow(job);
            } else if (!closed) {
                schedule(); // a busy or briefly unreachable log: try again; the deadline bounds it
                writer.iterate();
            }
        });
    }

    /** The offset to resume after: {@code Last-Event-ID}, else {@code ?after=}, else 0. */
    private static long after(Request request) {
        String value = request.getHeaders().get("Last-Event-ID");
        String param = "Last-Event-ID";
        if (value == null) {
            Fields query = QueryParams.of(request);
            value = query.getValue("after");
            param = "after";
        }
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long after = Long.parseLong(value.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ErrorMapping.invalidField(param, "'" + param + "' must be a code-point offset (a whole number >= 0), "
                + "was '" + value + "'.").toException();
    }
}
