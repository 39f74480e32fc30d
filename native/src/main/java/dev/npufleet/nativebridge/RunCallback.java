package dev.npufleet.nativebridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One run's end of the native callback: the bridge calls {@link #onToken}, {@link #onHidden}, {@link #onFinish} and
 * {@link #onFailure} (names and signatures are cached in the bridge's {@code JNI_OnLoad}). Owns the run's
 * UTF-8 decoder, the stop request, the sink's failure and the perf stats.
 *
 * <p>Threads: the callbacks come from the runtime's callback thread one at a time; {@link #requestStop}
 * from any thread; the rest from the thread that called {@code run}, after the native run returned.
 */
final class RunCallback {
    /** Mirrors RKLLM's callback return values. */
    static final int CONTINUE = 0;
    static final int PAUSE = 1;

    private final TokenSink sink;
    private final HiddenStateSink hiddenSink;
    private final Utf8StreamDecoder decoder = new Utf8StreamDecoder();
    private volatile RunOutcome stopRequest;
    private volatile Throwable failure;
    private volatile PerfStats perf = PerfStats.NONE;

    RunCallback(TokenSink sink) {
        this(sink, null);
    }

    /** @param hiddenSink receives a hidden-layer run's states; null for a generation run */
    RunCallback(TokenSink sink, HiddenStateSink hiddenSink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.hiddenSink = hiddenSink;
    }

    /** Asks the run to stop (ABORTED or PAUSED); an abort wins over a pause. Any thread. */
    void requestStop(RunOutcome how) {
        if (stopRequest != RunOutcome.ABORTED) {
            stopRequest = how;
        }
    }

    /** Called by the bridge once the run is published natively, to honour a stop asked for before. */
    boolean isStopRequested() {
        return stopRequest != null || failure != null;
    }

    /** Called by the bridge for every NORMAL and WAITING result: the token's raw output bytes. */
    int onToken(byte[] bytes, int tokenId) {
        if (isStopRequested()) {
            return PAUSE;
        }
        try {
            sink.onToken(tokenId, decoder.decode(bytes));
        } catch (Throwable t) {
            failure = t;
        }
        return isStopRequested() ? PAUSE : CONTINUE;
    }

    /**
     * Called by the bridge for a result carrying a last hidden layer: {@code states} wraps the runtime's memory
     * (native byte order), valid only during this call.
     */
    void onHidden(ByteBuffer states, int embdSize, int numTokens) {
        if (isStopRequested() || hiddenSink == null) {
            return;
        }
        try {
            hiddenSink.onHiddenLayer(states.order(ByteOrder.nativeOrder()).asFloatBuffer(), embdSize, numTokens);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Called by the bridge at FINISH with the runtime's perf stats. */
    void onFinish(float prefillTimeMs, int prefillTokens, float generateTimeMs, int generateTokens,
            float memoryUsageMb) {
        perf = new PerfStats(prefillTimeMs, prefillTokens, generateTimeMs, generateTokens, memoryUsageMb);
    }

    /** Called by the bridge with an exception it found pending after a call into Java. */
    void onFailure(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /**
     * After the native run returned, on the run's thread: rethrows the sink's failure, else flushes the
     * decoder to the sink and says how the run ended.
     */
    RunOutcome complete() {
        rethrowFailure();
        String rest = decoder.finish();
        if (!rest.isEmpty()) {
            sink.onToken(TokenSink.NO_TOKEN, rest);
        }
        RunOutcome stop = stopRequest;
        return stop == null ? RunOutcome.FINISHED : stop;
    }

    /** The sink's exception as is if unchecked, else wrapped in CALLBACK_FAILED; nothing if there was none. */
    void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new RkllmException(NativeStatus.CALLBACK_FAILED, "the token sink threw " + t, t);
        }
    }

    PerfStats perf() {
        return perf;
    }
}
