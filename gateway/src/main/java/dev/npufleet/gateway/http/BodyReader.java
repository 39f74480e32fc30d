package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.ErrorMapping;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body without blocking a thread (Jetty's read/demand loop), up to a size limit, then hands the
 * bytes to the endpoint; an {@link ApiException} it throws becomes the response, any other exception a 500.
 *
 * <p>A larger body is answered 413. Up to {@link #DRAIN_LIMIT} beyond the limit, the rest of the body is read and
 * dropped first, and the connection stays usable. Answering before the body is read would mean closing the
 * connection with the client's bytes unread, and the kernel then resets it: a reset can reach the client before
 * it has read the 413, which it then never sees. Past the drain limit the 413 goes at once, with
 * {@code Connection: close}.
 */
final class BodyReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);
    /** How much of a body over the limit is read and dropped to answer 413 on a connection that stays open. */
    static final long DRAIN_LIMIT = 4L << 20;

    private final HttpCall call;
    private final int maxBytes;
    private final Consumer<byte[]> then;
    private byte[] body = new byte[0];
    private int size;
    /** Bytes read past the limit and dropped; -1 while the body still fits. */
    private long dropped = -1;

    private BodyReader(HttpCall call, int maxBytes, Consumer<byte[]> then) {
        this.call = call;
        this.maxBytes = maxBytes;
        this.then = then;
    }

    static void read(HttpCall call, int maxBytes, Consumer<byte[]> then) {
        long declared = call.request().getLength();
        if (declared - maxBytes > DRAIN_LIMIT) {
            tooLarge(call, maxBytes);
            return;
        }
        BodyReader reader = new BodyReader(call, maxBytes, then);
        if (declared > maxBytes) {
            reader.dropped = 0;
        } else if (declared > 0) {
            reader.body = new byte[(int) declared];
        }
        reader.run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = call.request().read();
            if (chunk == null) {
                call.request().demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                call.callback().failed(chunk.getFailure());
                return;
            }
            if (dropped < 0 && !append(chunk.getByteBuffer())) {
                dropped = 0; // over the limit: read the rest and drop it
                body = null;
            }
            if (dropped >= 0) {
                dropped += chunk.remaining();
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (dropped > DRAIN_LIMIT) {
                tooLarge(call, maxBytes);
                return;
            }
            if (last) {
                if (dropped >= 0) {
                    call.error(ErrorMapping.bodyTooLarge(maxBytes));
                } else {
                    deliver();
                }
                return;
            }
        }
    }

    /**
     * 413, and the connection closes: the rest of the body is never read, so the connection cannot carry another
     * request. Said in the response, or a client would send its next request on a connection being closed.
     */
    private static void tooLarge(HttpCall call, int maxBytes) {
        call.response().getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        call.error(ErrorMapping.bodyTooLarge(maxBytes));
    }

    private boolean append(ByteBuffer buffer) {
        int n = buffer.remaining();
        if ((long) size + n > maxBytes) {
            return false;
        }
        if (size + n > body.length) {
            body = Arrays.copyOf(body, Math.min(maxBytes, Math.max(size + n, body.length * 2)));
        }
        buffer.get(body, size, n);
        size += n;
        return true;
    }

    private void deliver() {
        try {
            then.accept(size == body.length ? body : Arrays.copyOf(body, size));
        } catch (ApiException e) {
            call.error(e.error());
        } catch (RuntimeException e) {
            LOG.error("handling {} failed", call.request().getHttpURI().getPath(), e);
            call.error(ErrorMapping.internal("The gateway failed: " + e.getClass().getSimpleName()));
        }
    }
}
