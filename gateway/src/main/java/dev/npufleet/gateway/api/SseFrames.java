package dev.npufleet.gateway.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent event framing of OpenAI streams: {@code id: <offset>\ndata: <json>\n\n}, the error
 * event {@code data: {"error":{...}}} and the terminator {@code data: [DONE]}. The id is the answer's
 * length in code points after the event, so a client resuming with {@code Last-Event-ID: n} has
 * exactly the first n code points. Stateless; any thread.
 */
public final class SseFrames {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    /** An event carrying {@code json}, with an id. */
    public static ByteBuffer event(long id, byte[] json) {
        byte[] idText = (Long.toString(id) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocate(ID.length + idText.length + DATA.length + json.length + END.length);
        frame.put(ID).put(idText).put(DATA).put(json).put(END);
        return frame.flip();
    }

    /** An event carrying {@code json}, without an id. */
    public static ByteBuffer data(byte[] json) {
        ByteBuffer frame = ByteBuffer.allocate(DATA.length + json.length + END.length);
        frame.put(DATA).put(json).put(END);
        return frame.flip();
    }

    public static ByteBuffer error(ApiError error) {
        return data(error.toBytes());
    }

    /** A comment line, which clients ignore: keeps an idle stream (and its proxies) alive. */
    public static ByteBuffer comment() {
        return ByteBuffer.wrap(COMMENT);
    }

    public static ByteBuffer done() {
        return ByteBuffer.wrap(DONE);
    }
}
