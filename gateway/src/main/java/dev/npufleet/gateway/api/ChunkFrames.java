package dev.npufleet.gateway.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The SSE frames of one stream's text and reasoning chunks, assembled from bytes prepared once per request: the
 * chunk object before the text and after it never change within a stream, so a chunk is {@code id: <offset>\n},
 * the prepared head, the text escaped by {@link JsonText}, the prepared tail, in one array. The bytes equal what
 * {@link SseFrames#event} of {@link CompletionFormat#textChunk} / {@link CompletionFormat#reasoningChunk} gives
 * (the heads and tails are cut from the generator's own output), at a fraction of the cost: this runs once per
 * relayed chunk, on the events-consumer thread. Immutable; any thread.
 */
public final class ChunkFrames {
    /** Stands in for the text when the template is rendered; escaped as {@code \}{@code u0000}, six bytes. */
    private static final String MARK = "\u0000";
    private static final byte[] MARK_BYTES = "\\u0000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Template text;
    private final Template reasoning;

    private ChunkFrames(Template text, Template reasoning) {
        this.text = text;
        this.reasoning = reasoning;
    }

    public static ChunkFrames of(CompletionFormat format) {
        return new ChunkFrames(Template.cut(format.textChunk(MARK)), Template.cut(format.reasoningChunk(MARK)));
    }

    /** The frame of answer text ending at code point {@code id}. */
    public ByteBuffer text(long id, String text) {
        return ByteBuffer.wrap(this.text.frame(id, text));
    }

    /** The frame of reasoning text ending at code point {@code id}. */
    public ByteBuffer reasoning(long id, String text) {
        return ByteBuffer.wrap(reasoning.frame(id, text));
    }

    /** {@code data: } and the chunk's JSON up to the text; the JSON after it and the event's end. */
    private record Template(byte[] head, byte[] tail) {
        static Template cut(byte[] json) {
            int at = lastIndexOf(json, MARK_BYTES);
            if (at < 0) {
                throw new IllegalStateException("the chunk template lost its text");
            }
            byte[] head = new byte[DATA.length + at];
            System.arraycopy(DATA, 0, head, 0, DATA.length);
            System.arraycopy(json, 0, head, DATA.length, at);
            int after = at + MARK_BYTES.length;
            byte[] tail = new byte[json.length - after + END.length];
            System.arraycopy(json, after, tail, 0, json.length - after);
            System.arraycopy(END, 0, tail, json.length - after, END.length);
            return new Template(head, tail);
        }

        byte[] frame(long id, String text) {
            int digits = digits(id);
            byte[] out = new byte[ID.length + digits + 1 + head.length + JsonText.escapedLength(text) + tail.length];
            System.arraycopy(ID, 0, out, 0, ID.length);
            int p = ID.length + digits;
            for (long v = id, i = p - 1; i >= ID.length; i--, v /= 10) {
                out[(int) i] = (byte) ('0' + v % 10);
            }
            out[p++] = '\n';
            System.arraycopy(head, 0, out, p, head.length);
            p = JsonText.write(text, out, p + head.length);
            System.arraycopy(tail, 0, out, p, tail.length);
            return out;
        }
    }

    private static int digits(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("a frame id is a code point offset, not negative: " + id);
        }
        int n = 1;
        for (long v = id; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    private static int lastIndexOf(byte[] bytes, byte[] part) {
        for (int i = bytes.length - part.length; i >= 0; i--) {
            int j = 0;
            while (j < part.length && bytes[i + j] == part[j]) {
                j++;
            }
            if (j == part.length) {
                return i;
            }
        }
        return -1;
    }
}
