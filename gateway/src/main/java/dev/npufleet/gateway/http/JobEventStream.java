package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.SseFrames;
import dev.npufleet.gateway.jobs.AnswerCursor;
import dev.npufleet.gateway.jobs.JobListener;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/jobs/{id}/events}: a job's answer as the SSE stream its endpoint streams (OpenAI chunks, each
 * with {@code id:} = the code-point offset after it), from any gateway, starting after the offset in
 * {@code Last-Event-ID} or {@code ?after=}. So a client whose stream broke (its gateway died, say) resumes where
 * it was, elsewhere.
 *
 * <p>A running job is followed live, through the events consumer that feeds this gateway's own requests (every
 * gateway reads every partition of the events topic, where all gateways' jobs answer): the stream registers as a
 * follower of the job ({@link dev.npufleet.gateway.jobs.PendingJobs#follow}) before it reads the job's history
 * from the log, keeps the events handed to it meanwhile, and applies them once the history is written. No gap: an
 * event the consumer did not hand over was consumed before the registration, so it lies below the end offset the
 * history read captures after it (which needs the consumer positioned before the registration: a gateway that
 * does not read the events topic yet answers a running job 503). No repeat: live chunks go through an
 * {@link AnswerCursor} that starts at the history's length, so what the history held is dropped by the protocol's
 * {@code seq} rule, and a FINISH past the text in order ends the stream {@code answer_incomplete}, as a live one.
 * Events kept before the join are bounded by the job's answer (one per chunk).
 *
 * <p>Threads: the history completes on the job log's threads, events come on the events-consumer thread, a tick
 * (deadline, broker, keep-alive) on the exchanges' timer, a client's failure on a Jetty thread; the state below
 * is guarded by this object's monitor and frames are only queued under it (written outside it). A client that
 * went away fails a write (a keep-alive comment at the latest) or the request, which releases the follower.
 */
final class JobEventStream implements JobListener {
    /** How often a followed stream checks its deadline, the broker and whether it needs a keep-alive. */
    static final long TICK_MS = 1000;
    /** How long past its deadline a job without an end is followed (its worker reports the deadline itself). */
    private static final long DEADLINE_GRACE_MS = 60_000;

    private final GatewayServices services;
    private final HttpCall call;
    private final String jobId;
    private final long after;
    private final SseWriter writer;
    private List<Event> early = new ArrayList<>(); // guarded by this; null once the history is written
    private AnswerCursor cursor; // guarded by this; from the join on
    private CompletionFormat format; // guarded by this; from the join on
    private long sent; // guarded by this: the code points the client has
    private long deadline; // guarded by this
    private long lastWriteNanos = System.nanoTime(); // guarded by this
    private boolean ended; // guarded by this
    private volatile ScheduledFuture<?> ticker;

    private JobEventStream(GatewayServices services, HttpCall call, String jobId, long after) {
        this.services = services;
        this.call = call;
        this.jobId = jobId;
        this.after = after;
        this.sent = after;
        this.writer = new SseWriter(call.response(), call.callback(), this::clientGone, this::release);
    }

    static void open(GatewayServices services, HttpCall call) {
        String id = call.param(0);
        if (!JobIds.isValid(id)) {
            throw ErrorMapping.notFound("job", id).toException();
        }
        JobEventStream stream = new JobEventStream(services, call, id, after(call.request()));
        boolean consuming = services.eventsReady().getAsBoolean(); // before follow(): see the class comment
        services.exchanges().pending().follow(id, stream);
        call.request().addFailureListener(stream::clientGone);
        JobLookup.read(services, id).whenComplete((job, failure) -> {
            if (failure != null) {
                stream.refuse(ErrorMapping.fromFailure(failure));
            } else if (!Ownership.readable(call, job)) {
                stream.refuse(ErrorMapping.notFound("job", id));
            } else if (job.terminal() == null && !consuming) {
                stream.refuse(ErrorMapping.brokerUnavailable("this gateway does not read the job's events yet"));
            } else {
                stream.join(job);
            }
        });
    }

    /** Ends the request with an error status before the stream started. */
    private void refuse(ApiError error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        release();
        call.error(error);
    }

    /** Writes the history the client does not have, then ends with the job or applies the events kept meanwhile. */
    private void join(JobSnapshot job) {
        JobAccepted accepted = job.accepted();
        JobKind kind = AsyncJobRequest.kind(accepted.endpoint(), "endpoint");
        boolean following;
        synchronized (this) {
            if (ended) {
                return; // the client went away while the history was read
            }
            format = CompletionFormat.of(kind, jobId, accepted.model(), accepted.createdAt(), accepted.cache());
            deadline = accepted.deadline() > 0 ? accepted.deadline() + DEADLINE_GRACE_MS : Long.MAX_VALUE;
            HttpResponses.startEventStream(call.response());
            call.response().getHeaders().put(InferenceEndpoint.JOB_HEADER, jobId);
            if (kind == JobKind.CHAT && after == 0) {
                writer.enqueue(SseFrames.event(0, format.roleChunk()));
            }
            String text = job.text();
            long length = text.codePointCount(0, text.length());
            textLocked(text, length);
            if (job.terminal() != null) {
                endLocked(job.terminal(), length);
            } else {
                cursor = new AnswerCursor(length);
                List<Event> kept = early;
                early = null;
                kept.forEach(this::applyLocked);
            }
            following = !ended;
        }
        if (following) {
            startTicking();
        }
        writer.iterate();
    }

    @Override
    public void onEvent(Event event) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (early != null) {
                early.add(event);
                return;
            }
            applyLocked(event);
        }
        writer.iterate();
    }

    private void applyLocked(Event event) {
        if (ended) {
            return;
        }
        switch (event.type()) {
            case CHUNK -> {
                String fresh = cursor.accept(event.seq(), event.text());
                if (!fresh.isEmpty()) {
                    textLocked(fresh, cursor.delivered());
                }
            }
            case FINISH -> endLocked(cursor.isCut(event.seq()) ? Event.error(jobId, event.worker(), event.attempt(),
                    AnswerCursor.cutError(cursor.delivered(), event.seq())) : event, cursor.delivered());
            case ERROR -> endLocked(event, cursor.delivered());
            default -> {
                // ACCEPTED, STARTED: nothing for the client
            }
        }
    }

    /** Queues the part of {@code text}, which ends at code point {@code end}, that the client does not have. */
    private void textLocked(String text, long end) {
        if (end <= sent) {
            return;
        }
        long start = end - text.codePointCount(0, text.length());
        String fresh = sent <= start ? text : text.substring(text.offsetByCodePoints(0, (int) (sent - start)));
        sent = end;
        writer.enqueue(SseFrames.event(end, format.textChunk(fresh)));
        lastWriteNanos = System.nanoTime();
    }

    /** Queues the job's end: its finish chunk, or its error; then {@code [DONE]}. */
    private void endLocked(Event terminal, long length) {
        ByteBuffer last;
        if (terminal.type() == EventType.ERROR) {
            ErrorInfo error = terminal.error() != null ? terminal.error()
                    : ErrorInfo.of(ErrorCode.INTERNAL, "the worker reported an error without details");
            last = SseFrames.error(ErrorMapping.fromWorker(error));
        } else if (CompletionFormat.CANCELLED.equals(terminal.finishReason())) {
            last = SseFrames.error(ErrorMapping.cancelled());
        } else {
            last = SseFrames.event(Math.max(sent, length), format.finishChunk(terminal.finishReason()));
        }
        finishLocked(last);
    }

    private void finishLocked(ByteBuffer last) {
        writer.enqueueLast(last, SseFrames.done());
        ended = true;
        release();
    }

    private void startTicking() {
        try {
            ticker = services.exchanges().timers().scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                if (!ended) {
                    finishLocked(SseFrames.error(ErrorMapping.brokerUnavailable("the gateway is stopping")));
                }
            }
        }
        if (isEnded()) {
            release(); // it ended while the ticker was being scheduled
        }
    }

    /** Ends a stream whose broker is down or whose job is past its deadline; keeps an idle one alive. */
    private void tick() {
        synchronized (this) {
            if (ended) {
                return;
            }
            long now = System.nanoTime();
            if (services.broker().state() == BrokerStatus.State.DOWN) {
                finishLocked(SseFrames.error(ErrorMapping.brokerUnavailable("job " + jobId + " cannot be followed; "
                        + "resume with Last-Event-ID: " + sent + " once the broker is back")));
            } else if (System.currentTimeMillis() > deadline) {
                finishLocked(SseFrames.error(ErrorMapping.timeout(Duration.ofMillis(DEADLINE_GRACE_MS))));
            } else if (now - lastWriteNanos >= services.exchanges().keepAlive().toNanos()) {
                writer.enqueue(SseFrames.comment());
                lastWriteNanos = now;
            }
        }
        writer.iterate();
    }

    /** The client went away, or a write to it failed (any thread). */
    private void clientGone(Throwable cause) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        release();
        writer.abort(cause);
    }

    /** Stops following: no more events, no more ticks. Idempotent; any thread. */
    private void release() {
        services.exchanges().pending().unfollow(jobId, this);
        ScheduledFuture<?> task = ticker;
        if (task != null) {
            task.cancel(false);
        }
    }

    private synchronized boolean isEnded() {
        return ended;
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
