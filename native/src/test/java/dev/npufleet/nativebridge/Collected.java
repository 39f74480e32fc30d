package dev.npufleet.nativebridge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A sink that records every call; safe to read from another thread once the run has returned. */
class Collected implements TokenSink {
    private final int actAt;
    private final Runnable action;

    final List<Integer> ids = new ArrayList<>();
    final List<String> pieces = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    volatile int tokens;

    Collected() {
        this(0, () -> { });
    }

    private Collected(int actAt, Runnable action) {
        this.actAt = actAt;
        this.action = action;
    }

    /** Records like any Collected, and runs action (outside its lock) right after recording token number n. */
    static Collected actingAt(int n, Runnable action) {
        return new Collected(n, action);
    }

    @Override
    public void onToken(int tokenId, String piece) {
        if (record(tokenId, piece) == actAt) {
            action.run();
        }
    }

    private synchronized int record(int tokenId, String piece) {
        ids.add(tokenId);
        pieces.add(piece);
        text.append(piece);
        if (tokenId != NO_TOKEN) {
            tokens++;
            return tokens;
        }
        return -1;
    }

    synchronized String text() {
        return text.toString();
    }

    /** The simulator's tokenizer is byte-level: ids below 256 are the output's raw bytes. */
    synchronized byte[] rawBytes() {
        byte[] bytes = new byte[ids.size()];
        int n = 0;
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                bytes[n++] = (byte) id;
            }
        }
        return java.util.Arrays.copyOf(bytes, n);
    }

    synchronized String decodedRawBytes() {
        return new String(rawBytes(), StandardCharsets.UTF_8);
    }

    synchronized List<Integer> tokenIds() {
        return ids.stream().filter(id -> id != NO_TOKEN).toList();
    }
}
