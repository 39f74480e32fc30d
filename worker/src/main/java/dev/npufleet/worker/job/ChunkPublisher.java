package dev.npufleet.worker.job;

import dev.npufleet.protocol.Event;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;

/**
 * Streams one job's text as CHUNK events, latency first: a chunk goes out as soon as text exists,
 * but at most one chunk per job is in flight; text that arrives meanwhile joins the next chunk.
 * So the record count drops only when the producer is behind. Each chunk's {@code seq} is the
 * code-point offset of its first character in the answer, and its {@code tokens} the tokens generated
 * through its end. A job that continues an earlier attempt's text starts at that text's length.
 *
 * <p>No hole, ever: the job's last event goes out only once every chunk is acknowledged, and after a
 * chunk that could not be delivered nothing more is sent (no later chunk, no FINISH): the job's events
 * then end at a gap-free prefix, the job is not committed, and its re-run replays or continues from
 * that prefix. The one-in-flight rule makes this hold for every chunk, not just the last. The job's STARTED,
 * sent just before, may still be in flight beside the first chunk; the last event waits for it too ({@link #after}). While a
 * chunk waits for its acknowledgement (up to the producer's delivery timeout, a broker outage
 * included) the text generated meanwhile is held here: at most the job's {@code max_tokens} of text.
 *
 * <p>Threads: {@link #append} and {@link #finish} from the job's token thread; acks come on the
 * sink's I/O thread (which then sends the held text, or the last event). All state is guarded by
 * {@code this}, and sends happen under it, so events leave in {@code seq} order whichever thread
 * sends them.
 */
public final class ChunkPublisher {

    private final EventSink sink;
    private final String topic;
    private final String jobId;
    private final String worker;
    private final int attempt;
    private final Context trace;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private final StringBuilder pending = new StringBuilder();
    private long sentLength;
    private int tokens;
    private long chunks;
    private boolean inFlight;
    private Event last;
    private boolean lastSent;
    private Throwable failure;
    private Runnable onFailure = () -> { };
    private CompletableFuture<Void> started = CompletableFuture.completedFuture(null);
    private HopMarks hops; // null: not measured

    public ChunkPublisher(EventSink sink, String topic, String jobId, String worker, int attempt) {
        this(sink, topic, jobId, worker, attempt, 0, 0, Context.root());
    }

    /**
     * @param startLength code points of the answer already delivered by an earlier attempt (0 for a new answer)
     * @param startTokens the tokens that earlier text took
     * @param trace the job's trace context, in every event's headers
     */
    public ChunkPublisher(EventSink sink, String topic, String jobId, String worker, int attempt, long startLength,
            int startTokens, Context trace) {
        this.sink = sink;
        this.topic = topic;
        this.jobId = jobId;
        this.worker = worker;
        this.attempt = attempt;
        this.sentLength = startLength;
        this.tokens = startTokens;
        this.trace = trace;
    }

    /**
     * Runs {@code action} once, on the sink's I/O thread, when a chunk could not be delivered (the
     * job should stop generating: nothing it writes from then on can be published).
     */
    public void onFailure(Runnable action) {
        boolean failedAlready;
        synchronized (this) {
            this.onFailure = action;
            failedAlready = failure != null;
        }
        if (failedAlready) {
            action.run();
        }
    }

    /**
     * Follows the job's STARTED, sent just before this publisher's first event and not yet acknowledged: chunks go
     * out behind it at once (the producer keeps a partition's records in order; STARTED carries no text, so no hole
     * can open), the last event only once it is acknowledged, and when it cannot be delivered the publisher fails as
     * for a chunk: nothing more is sent and the job runs again.
     */
    public void after(CompletableFuture<Void> started) {
        synchronized (this) {
            this.started = started;
        }
        started.whenComplete((ok, error) -> startedAcked(error));
    }

    /** Marks the first chunk's send and acknowledgement in {@code marks}, which also stamp the last event's hops. */
    public synchronized void measure(HopMarks marks) {
        this.hops = marks;
    }

    /** Adds generated text (whole characters); sends it now unless a chunk is in flight. */
    public synchronized void append(String text) {
        append(text, tokens);
    }

    /**
     * Adds generated text; {@code tokensSoFar} counts the job's generated tokens through it (earlier attempts'
     * included).
     */
    public synchronized void append(String text, int tokensSoFar) {
        tokens = Math.max(tokens, tokensSoFar);
        if (text.isEmpty() || last != null || failure != null) {
            return;
        }
        pending.append(text);
        if (!inFlight) {
            sendPending();
        }
    }

    /** Code points of the answer so far (sent or waiting). */
    public synchronized long length() {
        return sentLength + pending.codePointCount(0, pending.length());
    }

    /** Which attempt at the job this is (every event carries it). */
    public int attempt() {
        return attempt;
    }

    /** CHUNK records sent so far. */
    public synchronized long chunks() {
        return chunks;
    }

    /** Completes when the last event is acknowledged; fails as {@link #finish} says. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** True once a chunk could not be delivered. */
    public synchronized boolean failed() {
        return failure != null;
    }

    /**
     * Sends what is held, waits for every chunk's acknowledgement, then sends the job's last event.
     *
     * @return completes when the last event is acknowledged; fails when a chunk could not be
     *     delivered (then the last event is not sent: the job's events are incomplete and the job
     *     must run again) or when the last event itself could not be
     */
    public CompletableFuture<Void> finish(Event last) {
        synchronized (this) {
            if (this.last == null) {
                this.last = last;
                proceed();
            }
        }
        return done;
    }

    /** Sends the next thing due once nothing is in flight: held text, else the last event. Under the lock. */
    private void proceed() {
        if (failure != null) {
            done.completeExceptionally(failure);
            return;
        }
        if (inFlight) {
            return;
        }
        if (pending.length() > 0) {
            sendPending();
        } else if (last != null && !lastSent && started.isDone()) {
            lastSent = true;
            sink.send(topic, jobId, hops == null ? last : hops.stamp(last), trace).whenComplete((ok, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        }
    }

    private void sendPending() {
        String text = pending.toString();
        pending.setLength(0);
        long seq = sentLength;
        sentLength += text.codePointCount(0, text.length());
        chunks++;
        inFlight = true;
        if (hops != null) {
            hops.chunkSent();
        }
        sink.send(topic, jobId, Event.chunk(jobId, worker, attempt, seq, text, tokens), trace)
                .whenComplete((ok, error) -> acked(error));
    }

    private void acked(Throwable error) {
        Runnable action;
        synchronized (this) {
            inFlight = false;
            if (error == null && hops != null) {
                hops.chunkAcked();
            }
            action = failed(error);
            proceed();
        }
        action.run();
    }

    private void startedAcked(Throwable error) {
        Runnable action;
        synchronized (this) {
            action = failed(error);
            proceed();
        }
        action.run();
    }

    /** Records the first failure (under the lock); returns what to run outside it. */
    private Runnable failed(Throwable error) {
        if (error == null || failure != null) {
            return () -> { };
        }
        failure = error;
        pending.setLength(0); // can never be published: a later chunk would leave a hole
        return onFailure;
    }
}
