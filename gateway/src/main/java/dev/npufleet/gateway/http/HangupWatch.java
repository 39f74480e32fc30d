package dev.npufleet.gateway.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that an HTTP/1 client hung up while it waits for an answer that is not streamed. Jetty does not read an
 * HTTP/1 connection between a request's last byte and its response, so a client that goes away then is noticed
 * only when the answer is written, and the board would spend the whole generation on nobody. This watch asks the
 * connection's end point to say when it becomes readable: for a client that does not pipeline, that is its
 * hang-up. It then reads one byte to be sure: the end of input (or a reset) is a hang-up; a byte is the start of a
 * pipelined request, which cannot be given back, so the answer then closes the connection after it
 * ({@link #stopBefore}) and the client sends that request again, as HTTP/1.1 clients must be ready to.
 *
 * <p>A client that shuts down its sending side after its request but still reads (rare: HTTP clients keep the
 * connection open while they wait) looks the same as one that left, and its job is cancelled; nginx, which also
 * watches a waiting client's connection for its end, treats it the same way by default.
 *
 * <p>{@link #stop} must run before the response is written: Jetty registers its own read interest once the
 * response is done, and there can be only one. HTTP/2 needs no watch (a reset stream fails the request, which
 * Jetty reports to the request's failure listeners). Threads: started on the request's thread, the readiness
 * arrives on a Jetty thread, stopped on any thread.
 */
final class HangupWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HangupWatch.class);

    private enum State { WATCHING, STOPPED, HUNG_UP, TOOK_BYTES }

    private final AbstractEndPoint endPoint;
    private final Consumer<Throwable> onHangup;
    private final AtomicReference<State> state = new AtomicReference<>(State.WATCHING);
    private final Callback readable = new Callback() {
        @Override
        public void succeeded() {
            readableNow();
        }

        @Override
        public void failed(Throwable cause) {
            // our own stop, or the end point closing: only the second is news
            if (state.compareAndSet(State.WATCHING, State.HUNG_UP)) {
                onHangup.accept(cause);
            }
        }
    };

    private HangupWatch(AbstractEndPoint endPoint, Consumer<Throwable> onHangup) {
        this.endPoint = endPoint;
        this.onHangup = onHangup;
    }

    /**
     * Starts watching {@code request}'s connection, whose body must have been read to its end.
     *
     * @return the watch, or null where none is needed or possible (HTTP/2, a connection already read)
     */
    static HangupWatch start(Request request, Consumer<Throwable> onHangup) {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if ((version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0)
                || !(endPoint instanceof AbstractEndPoint abstractEndPoint)) {
            return null;
        }
        HangupWatch watch = new HangupWatch(abstractEndPoint, onHangup);
        return endPoint.tryFillInterested(watch.readable) ? watch : null;
    }

    private void readableNow() {
        synchronized (this) {
            // under the lock: once stop() has returned, this never reads nor asks to read again
            if (state.get() != State.WATCHING) {
                return;
            }
            ByteBuffer one = BufferUtil.allocate(1);
            int read;
            try {
                read = endPoint.fill(one);
            } catch (IOException e) {
                read = -1; // a reset: gone as well
            }
            if (read > 0) {
                state.set(State.TOOK_BYTES);
                LOG.atDebug().log("a pipelined request arrived while an answer was pending; closing after it");
                return;
            }
            if (read == 0) {
                // readable, but nothing to read: watch again
                if (!endPoint.tryFillInterested(readable)) {
                    state.set(State.STOPPED);
                }
                return;
            }
            state.set(State.HUNG_UP);
        }
        onHangup.accept(new EofException("the client closed the connection before its answer"));
    }

    /** Stops watching; call before writing the response. Idempotent; any thread. */
    synchronized void stop() {
        if (state.compareAndSet(State.WATCHING, State.STOPPED)) {
            endPoint.getFillInterest().onFail(new IOException("hang-up watch stopped"));
        }
    }

    /**
     * Stops watching before {@code response} is written, and makes the response close the connection when the
     * watch took the first byte of a pipelined request.
     */
    void stopBefore(Response response) {
        stop();
        if (tookBytes()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
    }

    /** True when the watch read the first byte of a pipelined request: the response must close the connection. */
    boolean tookBytes() {
        return state.get() == State.TOOK_BYTES;
    }
}
