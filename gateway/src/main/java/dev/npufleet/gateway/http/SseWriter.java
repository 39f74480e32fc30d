package dev.npufleet.gateway.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Writes one SSE response without a thread per stream: frames are queued by any thread, and one
 * async {@link Response#write} at a time drains the queue (all frames queued meanwhile go out as one
 * write, so a fast worker costs fewer syscalls). The last write completes the request's callback.
 *
 * <p>{@link #enqueue}/{@link #enqueueLast} never block and do no I/O, so callers may hold their own
 * locks; {@link #iterate()} may write, so callers must not. A client that stops reading lets the
 * queue grow to {@link #MAX_QUEUED_BYTES}, then the stream fails (bounded memory per stream).
 */
final class SseWriter extends IteratingCallback {
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final Response response;
    private final Callback done;
    private final Consumer<Throwable> onFailure;
    private final Runnable onClosed;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(); // guarded by itself
    private int queuedBytes;
    private boolean lastQueued;
    private boolean lastWritten;
    private boolean overflow;

    /**
     * @param done the request's callback, completed once by the last write or the failure
     * @param onFailure told when a write fails (the client went away)
     * @param onClosed run once when the stream ends, either way
     */
    SseWriter(Response response, Callback done, Consumer<Throwable> onFailure, Runnable onClosed) {
        this.response = response;
        this.done = done;
        this.onFailure = onFailure;
        this.onClosed = onClosed;
    }

    /** Queues frames; ignored once the last frames are queued. */
    void enqueue(ByteBuffer... frames) {
        synchronized (queue) {
            if (lastQueued) {
                return;
            }
            add(frames);
            overflow |= queuedBytes > MAX_QUEUED_BYTES;
        }
    }

    /** Queues the stream's final frames; the write that carries them ends the response. */
    void enqueueLast(ByteBuffer... frames) {
        synchronized (queue) {
            if (lastQueued) {
                return;
            }
            add(frames);
            lastQueued = true;
        }
    }

    private void add(ByteBuffer[] frames) {
        for (ByteBuffer frame : frames) {
            queue.add(frame);
            queuedBytes += frame.remaining();
        }
    }

    @Override
    protected Action process() throws IOException {
        ByteBuffer batch;
        boolean last;
        synchronized (queue) {
            if (lastWritten) {
                return Action.SUCCEEDED;
            }
            if (overflow) {
                throw new IOException("client reads too slowly: over " + MAX_QUEUED_BYTES + " bytes queued");
            }
            if (queue.isEmpty()) {
                return Action.IDLE;
            }
            batch = drain();
            last = lastQueued;
            lastWritten = last;
        }
        response.write(last, batch, this);
        return Action.SCHEDULED;
    }

    private ByteBuffer drain() {
        ByteBuffer batch;
        if (queue.size() == 1) {
            batch = queue.poll();
        } else {
            batch = ByteBuffer.allocate(queuedBytes);
            for (ByteBuffer frame = queue.poll(); frame != null; frame = queue.poll()) {
                batch.put(frame);
            }
            batch.flip();
        }
        queuedBytes = 0;
        return batch;
    }

    @Override
    protected void onCompleteSuccess() {
        onClosed.run();
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        onClosed.run();
        done.failed(cause);
        onFailure.accept(cause);
    }

    @Override
    public InvocationType getInvocationType() {
        // process() only queues an async write: safe to run on a selector thread.
        return InvocationType.NON_BLOCKING;
    }
}
