package dev.npufleet.worker.job;

import dev.npufleet.protocol.Event;
import java.util.concurrent.CompletableFuture;

/**
 * Streams one job's text as CHUNK events, latency first: a chunk goes out as soon as text exists,
 * but at most one chunk per job is in flight; text that arrives meanwhile joins the next chunk.
 * So the record count drops only when the producer is behind. Each chunk's {@code seq} is the
 * code-point offset of its first character in the answer, and its {@code tokens} the tokens generated
 * through its end. A job that continues an earlier attempt's text starts at that text's length.
 *
 * <p>Threads: {@link #append} and {@link #finish} from the job's token thread; acks come on the
 * sink's I/O thread (which then sends the held text). All state is guarded by {@code this}, and
 * sends happen under it, so chunks leave in {@code seq} order whichever thread sends them.
 */
public final class ChunkPublisher {

    private final EventSink sink;
    private final String topic;
    private final String jobId;
    private final String worker;
    private final int attempt;

    private final StringBuilder pending = new StringBuilder();
    private long sentLength;
    private int tokens;
    private long chunks;
    private boolean inFlight;
    private boolean finished;
    private Throwable failure;

    public ChunkPublisher(EventSink sink, String topic, String jobId, String worker, int attempt) {
        this(sink, topic, jobId, worker, attempt, 0, 0);
    }

    /**
     * @param startLength code points of the answer already delivered by an earlier attempt (0 for a new answer)
     * @param startTokens the tokens that earlier text took
     */
    public ChunkPublisher(EventSink sink, String topic, String jobId, String worker, int attempt, long startLength,
            int startTokens) {
        this.sink = sink;
        this.topic = topic;
        this.jobId = jobId;
        this.worker = worker;
        this.attempt = attempt;
        this.sentLength = startLength;
        this.tokens = startTokens;
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
        if (text.isEmpty() || finished) {
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

    /**
     * Sends what is held, then the job's last event.
     *
     * @return completes when the last event is acknowledged; fails when it or any chunk could not
     *     be delivered (then the job's events are incomplete and the job must run again)
     */
    public CompletableFuture<Void> finish(Event last) {
        synchronized (this) {
            finished = true;
            if (pending.length() > 0) {
                // The producer keeps one partition's records in order, so this may overtake no chunk.
                sendPending();
            }
        }
        return sink.send(topic, jobId, last).thenCompose(ignored -> {
            synchronized (this) {
                return failure == null ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(failure);
            }
        });
    }

    private void sendPending() {
        String text = pending.toString();
        pending.setLength(0);
        long seq = sentLength;
        sentLength += text.codePointCount(0, text.length());
        chunks++;
        inFlight = true;
        sink.send(topic, jobId, Event.chunk(jobId, worker, attempt, seq, text, tokens))
                .whenComplete((ok, error) -> acked(error));
    }

    private synchronized void acked(Throwable error) {
        inFlight = false;
        if (error != null && failure == null) {
            failure = error;
        }
        if (!finished && pending.length() > 0) {
            sendPending();
        }
    }
}
