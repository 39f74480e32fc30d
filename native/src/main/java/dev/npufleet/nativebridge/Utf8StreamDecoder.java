package dev.npufleet.nativebridge;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 that arrives in pieces: a character split over several pieces comes out whole with the
 * piece that completes it. Bytes that can never be UTF-8 become U+FFFD at once (as
 * {@code new String(bytes, UTF_8)} would); an incomplete character is held back until more bytes come,
 * and becomes U+FFFD only at {@link #finish()}. So the concatenated output equals decoding all bytes at
 * once. One per run; not thread-safe (a run's callbacks never overlap).
 */
final class Utf8StreamDecoder {
    /** The longest UTF-8 sequence is 4 bytes, so at most 3 are ever held back. */
    private static final int MAX_PENDING = 3;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final byte[] pending = new byte[MAX_PENDING];
    private int pendingLength;

    /** Decodes the next piece; returns the characters completed so far (possibly ""). */
    String decode(byte[] piece) {
        if (piece.length == 0) {
            return "";
        }
        ByteBuffer in;
        if (pendingLength == 0) {
            in = ByteBuffer.wrap(piece);
        } else {
            in = ByteBuffer.allocate(pendingLength + piece.length);
            in.put(pending, 0, pendingLength).put(piece).flip();
        }
        String text = run(in, false);
        pendingLength = in.remaining();
        in.get(pending, 0, pendingLength);
        return text;
    }

    /** Ends the stream: returns U+FFFD for a held-back incomplete character (or ""), and resets. */
    String finish() {
        ByteBuffer in = ByteBuffer.wrap(pending, 0, pendingLength);
        String text = run(in, true);
        pendingLength = 0;
        decoder.reset();
        return text;
    }

    private String run(ByteBuffer in, boolean endOfInput) {
        // UTF-8 never yields more chars than bytes, so one buffer of that size always suffices.
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        CoderResult result = decoder.decode(in, out, endOfInput);
        if (endOfInput && result.isUnderflow()) {
            decoder.flush(out);
        }
        if (in.remaining() > MAX_PENDING) {
            throw new IllegalStateException("UTF-8 decoder held back " + in.remaining() + " bytes");
        }
        return out.flip().toString();
    }
}
