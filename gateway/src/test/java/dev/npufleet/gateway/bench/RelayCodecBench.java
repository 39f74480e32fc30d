package dev.npufleet.gateway.bench;

import dev.npufleet.gateway.api.ChunkFrames;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.gateway.api.SseFrames;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventReader;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.LongUnaryOperator;

/**
 * The per-chunk codec work of the gateway's relay, in one thread: an event record's bytes read into an
 * {@link Event}, and its text turned into an SSE frame; the general codec (databind and a generator per chunk)
 * against the streaming reader and the prepared frames. Not a test: run by hand (docs/BENCHMARKS.md, section 5):
 * {@code java -cp <test classpath> dev.npufleet.gateway.bench.RelayCodecBench}.
 */
public final class RelayCodecBench {
    private RelayCodecBench() {
    }

    public static void main(String[] args) {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        CompletionFormat format = CompletionFormat.of(JobKind.CHAT, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                "qwen3-0.6b-sim", System.currentTimeMillis(), null);
        ChunkFrames frames = ChunkFrames.of(format);
        byte[] record = JsonCodec.encode(Event.chunk("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "board-1", 1, 1234,
                " token", 321));
        LongUnaryOperator general = i -> {
            Event e = JsonCodec.decode(record, Event.class);
            ByteBuffer frame = SseFrames.event(e.seq() + i, format.textChunk(e.text()));
            return frame.remaining();
        };
        LongUnaryOperator streaming = i -> {
            Event e = EventReader.read(record);
            return frames.text(e.seq() + i, e.text()).remaining();
        };
        for (int round = 0; round < 2; round++) {
            double a = nanosPerOp(general, seconds);
            double b = nanosPerOp(streaming, seconds);
            System.out.printf(Locale.ROOT, "round %d: general %.0f ns/chunk, streaming %.0f ns/chunk (%.2fx)%n",
                    round + 1, a, b, a / b);
        }
    }

    private static double nanosPerOp(LongUnaryOperator op, long seconds) {
        long sink = 0;
        long ops = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long now;
        do {
            for (int i = 0; i < 1000; i++) {
                sink += op.applyAsLong(ops++);
            }
            now = System.nanoTime();
        } while (now < end);
        if (sink == 42) {
            System.out.println(); // keeps the work observable
        }
        return (now - start) / (double) ops;
    }
}
