package dev.npufleet.nativebridge;

import java.lang.annotation.Native;

/**
 * Why a native call failed: mirrors the bridge's C enum {@code npf_status}. The numbers live in
 * {@link Code}, whose {@code @Native} constants {@code javac -h} writes into a C header from which the
 * bridge builds its enum, so the two cannot drift apart. Immutable; any thread.
 */
public enum NativeStatus {
    OK(Code.OK),
    /** The runtime library could not be loaded ({@code dlopen}'s reason in the message). */
    RUNTIME_NOT_FOUND(Code.RUNTIME_NOT_FOUND),
    /** The runtime library lacks a required {@code rkllm_*} function (named in the message). */
    SYMBOL_MISSING(Code.SYMBOL_MISSING),
    /** The simulator reports another ABI generation than the configuration names. */
    ABI_MISMATCH(Code.ABI_MISMATCH),
    /** {@code rkllm_init} failed: model file missing, not a model, or too big. */
    INIT_FAILED(Code.INIT_FAILED),
    /** {@code rkllm_run} failed or reported the ERROR state (for example a prompt longer than the context). */
    RUN_FAILED(Code.RUN_FAILED),
    /** An argument the bridge or the runtime refused. */
    INVALID_ARGUMENT(Code.INVALID_ARGUMENT),
    /** The session is closed. */
    CLOSED(Code.CLOSED),
    /** Another call is in progress on the session (one run or call at a time). */
    BUSY(Code.BUSY),
    /** Native memory could not be allocated. */
    OUT_OF_MEMORY(Code.OUT_OF_MEMORY),
    /** {@code rkllm_load_prompt_cache} refused the file (missing, foreign, corrupt, truncated). */
    CACHE_LOAD_FAILED(Code.CACHE_LOAD_FAILED),
    /** The token sink threw; the run was stopped. */
    CALLBACK_FAILED(Code.CALLBACK_FAILED),
    /** The runtime or ABI generation cannot do what was asked. */
    UNSUPPORTED(Code.UNSUPPORTED),
    /** Another runtime call (clear KV cache, chat template, release cache, ...) returned an error. */
    RUNTIME_CALL_FAILED(Code.RUNTIME_CALL_FAILED);

    private static final NativeStatus[] BY_CODE = byCode();

    private final int code;

    NativeStatus(int code) {
        this.code = code;
    }

    /** The number the C side uses. */
    public int code() {
        return code;
    }

    /**
     * The status with this number.
     *
     * @throws IllegalArgumentException for a number no status has
     */
    public static NativeStatus fromCode(int c) {
        if (c < 0 || c >= BY_CODE.length || BY_CODE[c] == null) {
            throw new IllegalArgumentException("unknown native status code " + c);
        }
        return BY_CODE[c];
    }

    private static NativeStatus[] byCode() {
        int max = 0;
        for (NativeStatus s : values()) {
            max = Math.max(max, s.code);
        }
        NativeStatus[] table = new NativeStatus[max + 1];
        for (NativeStatus s : values()) {
            table[s.code] = s;
        }
        return table;
    }

    /** The numbers, exported to C by {@code javac -h} as {@code dev_npufleet_nativebridge_NativeStatus_Code_*}. */
    static final class Code {
        @Native static final int OK = 0;
        @Native static final int RUNTIME_NOT_FOUND = 1;
        @Native static final int SYMBOL_MISSING = 2;
        @Native static final int ABI_MISMATCH = 3;
        @Native static final int INIT_FAILED = 4;
        @Native static final int RUN_FAILED = 5;
        @Native static final int INVALID_ARGUMENT = 6;
        @Native static final int CLOSED = 7;
        @Native static final int BUSY = 8;
        @Native static final int OUT_OF_MEMORY = 9;
        @Native static final int CACHE_LOAD_FAILED = 10;
        @Native static final int CALLBACK_FAILED = 11;
        @Native static final int UNSUPPORTED = 12;
        @Native static final int RUNTIME_CALL_FAILED = 13;

        private Code() {
        }
    }
}
