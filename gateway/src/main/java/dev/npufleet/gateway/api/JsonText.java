package dev.npufleet.gateway.api;

/**
 * Writes a Java string as the UTF-8 bytes of a JSON string's body (no quotes), escaped exactly as the protocol's
 * Jackson generator escapes it ({@link dev.npufleet.protocol.JsonCodec}): {@code "} and {@code \}, the short
 * escapes {@code \b \t \n \f \r}, other control characters and every UTF-16 surrogate (paired or not) as
 * {@code \}{@code uXXXX} with upper-case hex, everything else as raw UTF-8. So a frame assembled from these bytes
 * equals the one the generator wrote, byte for byte, without a generator per chunk. Stateless; any thread.
 */
public final class JsonText {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Per ASCII code: 0 = as is, a letter = its short escape, 'u' = a {@code \}{@code u00XX} escape. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private JsonText() {
    }

    /** The length in bytes of {@code text} escaped. */
    public static int escapedLength(String text) {
        int n = 0;
        for (int i = 0, len = text.length(); i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPES[c];
                n += e == 0 ? 1 : e == 'u' ? 6 : 2;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isSurrogate(c)) {
                n += 6;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Writes {@code text} escaped into {@code out} at {@code pos}, which must have room for
     * {@link #escapedLength} bytes. @return the position after it
     */
    public static int write(String text, byte[] out, int pos) {
        int p = pos;
        for (int i = 0, len = text.length(); i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPES[c];
                if (e == 0) {
                    out[p++] = (byte) c;
                } else if (e == 'u') {
                    p = unicodeEscape(c, out, p);
                } else {
                    out[p++] = '\\';
                    out[p++] = e;
                }
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(c, out, p);
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private static int unicodeEscape(char c, byte[] out, int pos) {
        out[pos] = '\\';
        out[pos + 1] = 'u';
        out[pos + 2] = HEX[(c >> 12) & 0xF];
        out[pos + 3] = HEX[(c >> 8) & 0xF];
        out[pos + 4] = HEX[(c >> 4) & 0xF];
        out[pos + 5] = HEX[c & 0xF];
        return pos + 6;
    }
}
