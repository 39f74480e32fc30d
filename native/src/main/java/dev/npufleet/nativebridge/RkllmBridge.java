package dev.npufleet.nativebridge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The native methods of {@code libnpufleet.so} and their marshalling: text goes down as UTF-8
 * {@code byte[]}, every native returns an {@code npf_status} code, and a code other than OK becomes a
 * {@link RkllmException} carrying the bridge's message for the failure (kept per thread in C, read right
 * after the failing call on the same thread). Holds no state; {@link RkllmSession} owns the handles and
 * decides which thread may call what. The library must be loaded ({@link NativeLibrary#load()}).
 */
final class RkllmBridge {
    private RkllmBridge() {
    }

    /** Loads the runtime, checks its ABI, initialises the model; returns the native handle. */
    static long open(SessionConfig c) {
        SamplingParams s = c.sampling();
        long[] handle = new long[1];
        check(nativeOpen(path(c.runtimeLibrary()), c.abi().code(), path(c.modelPath()), c.maxContextLen(),
                c.maxNewTokens(), s.topK(), s.topP(), s.temperature(), s.repeatPenalty(), s.frequencyPenalty(),
                s.presencePenalty(), c.baseDomainId(), handle));
        return handle[0];
    }

    /** Destroys the runtime handle and unloads the runtime. No run may be active. */
    static void destroy(long handle) {
        check(nativeDestroy(handle));
    }

    /** RKLLM's infer modes the bridge runs ({@code RKLLMInferMode}). */
    enum InferMode {
        GENERATE(0),
        GET_LAST_HIDDEN_LAYER(1);

        private final int wire;

        InferMode(int wire) {
            this.wire = wire;
        }

        int wire() {
            return wire;
        }
    }

    /**
     * Runs synchronously, calling back into {@code callback}.
     *
     * @param sampling per-run sampling, or null for the session's (1.3.0 only; the caller checks)
     */
    static void run(long handle, RunRequest r, SamplingParams sampling, RunCallback callback, InferMode mode) {
        boolean hasSampling = sampling != null;
        SamplingParams s = hasSampling ? sampling : SamplingParams.GREEDY;
        check(nativeRun(handle, mode.wire(), r.prompt() == null ? null : utf8(r.prompt()), r.tokenIds(), utf8(r.role()),
                r.keepHistory(), Math.max(0, r.maxNewTokens()), hasSampling, s.topK(), s.topP(), s.temperature(),
                s.repeatPenalty(), s.frequencyPenalty(), s.presencePenalty(),
                r.savePromptCache() == null ? null : path(r.savePromptCache()), callback));
    }

    /** Stops the active run (no-op when none): abort also calls {@code rkllm_abort}, pause only the callback. */
    static void stop(long handle, boolean abort) {
        check(nativeStop(handle, abort));
    }

    /** Sets the sampling seed; false when the runtime takes none (the vendor runtime). */
    static boolean setSeed(long handle, long seed) {
        return supported(nativeSetSeed(handle, seed));
    }

    /** The last run's whole input in tokens, or -1 when the runtime cannot tell. */
    static int promptTokens(long handle) {
        return nativePromptTokens(handle);
    }

    static void loadPromptCache(long handle, Path file) {
        check(nativeLoadPromptCache(handle, path(file)));
    }

    static void releasePromptCache(long handle) {
        check(nativeReleasePromptCache(handle));
    }

    static void clearKvCache(long handle, boolean keepSystemPrompt) {
        check(nativeClearKvCache(handle, keepSystemPrompt));
    }

    static int kvCacheSize(long handle) {
        int[] size = new int[1];
        check(nativeKvCacheSize(handle, size));
        return size[0];
    }

    static void setChatTemplate(long handle, String systemPrompt, String promptPrefix, String promptPostfix) {
        check(nativeSetChatTemplate(handle, utf8(systemPrompt), utf8(promptPrefix), utf8(promptPostfix)));
    }

    /** False when the runtime lacks the simulator extension. */
    static boolean setSimulatorOption(long handle, String key, String value) {
        return supported(nativeSetSimulatorOption(handle, utf8(key), utf8(value)));
    }

    private static boolean supported(int code) {
        if (code == NativeStatus.UNSUPPORTED.code()) {
            return false;
        }
        check(code);
        return true;
    }

    private static void check(int code) {
        if (code != NativeStatus.OK.code()) {
            byte[] message = nativeLastError();
            throw new RkllmException(NativeStatus.fromCode(code),
                    message == null ? "(no message)" : new String(message, StandardCharsets.UTF_8));
        }
    }

    static byte[] utf8(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new RkllmException(NativeStatus.INVALID_ARGUMENT, "text for the runtime must not contain NUL");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] path(Path p) {
        return utf8(p.toAbsolutePath().toString());
    }

    private static native int nativeOpen(byte[] runtimeLibrary, int abi, byte[] modelPath, int maxContextLen,
            int maxNewTokens, int topK, float topP, float temperature, float repeatPenalty, float frequencyPenalty,
            float presencePenalty, int baseDomainId, long[] handleOut);

    private static native int nativeDestroy(long handle);

    private static native int nativeRun(long handle, int mode, byte[] prompt, int[] tokenIds, byte[] role, boolean keepHistory,
            int maxNewTokens, boolean hasSampling, int topK, float topP, float temperature, float repeatPenalty,
            float frequencyPenalty, float presencePenalty, byte[] savePromptCache, RunCallback callback);

    private static native int nativeStop(long handle, boolean abort);

    private static native int nativeSetSeed(long handle, long seed);

    private static native int nativePromptTokens(long handle);

    private static native int nativeLoadPromptCache(long handle, byte[] path);

    private static native int nativeReleasePromptCache(long handle);

    private static native int nativeClearKvCache(long handle, boolean keepSystemPrompt);

    private static native int nativeKvCacheSize(long handle, int[] sizeOut);

    private static native int nativeSetChatTemplate(long handle, byte[] systemPrompt, byte[] promptPrefix,
            byte[] promptPostfix);

    private static native int nativeSetSimulatorOption(long handle, byte[] key, byte[] value);

    /** The calling thread's message for its last failed native call, as UTF-8. */
    private static native byte[] nativeLastError();
}
