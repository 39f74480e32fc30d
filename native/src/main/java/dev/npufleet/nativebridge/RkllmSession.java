package dev.npufleet.nativebridge;

import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * One RKLLM runtime handle: a model loaded through the bridge into the runtime that the
 * {@link SessionConfig} names. Owns the native handle (and the runtime library's {@code dlopen}
 * reference) until {@link #close()}.
 *
 * <p>Threads: one call at a time ({@link #run}, the cache and template calls): a second call while one
 * is in progress fails with {@link NativeStatus#BUSY}, so one thread should drive a session.
 * {@link #abort()}, {@link #pause()}, {@link #isRunning()} and {@link #close()} may be called from any
 * thread at any time, including from inside a {@link TokenSink}. Sessions are independent: two sessions
 * may run at once on two threads (on a board, give them distinct {@code baseDomainId}s).
 *
 * <p>Lifetime: {@code close()} never frees the handle under a call in progress: it stops a running run,
 * waits for the call to return, then destroys. A {@link Cleaner} destroys a session that was never
 * closed once it is unreachable; that is a safety net, not a way to manage sessions.
 */
public final class RkllmSession implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private enum State { OPEN, CLOSING, CLOSED }

    private final SessionConfig config;
    private final long handle;
    private final Cleaner.Cleanable destroyer;
    private final Object lock = new Object();
    // Guarded by lock.
    private State state = State.OPEN;
    /** The thread inside a native call on this handle; at most one (the session's usage count). */
    private Thread user;
    /** The run in progress, or null. */
    private RunCallback currentRun;
    private volatile boolean running;

    private RkllmSession(SessionConfig config, long handle) {
        this.config = config;
        this.handle = handle;
        this.destroyer = CLEANER.register(this, new Destroyer(handle));
    }

    /**
     * Loads the bridge, {@code dlopen}s the configured runtime, checks its ABI generation where the
     * runtime can tell (the simulator), and initialises the model. Any thread.
     *
     * @throws RkllmException RUNTIME_NOT_FOUND, SYMBOL_MISSING, ABI_MISMATCH, INVALID_ARGUMENT (no model file),
     *                        INIT_FAILED (the runtime's reason in the message where it gives one)
     */
    public static RkllmSession open(SessionConfig config) {
        Objects.requireNonNull(config, "config");
        NativeLibrary.load();
        // The vendor runtime gives no reason for a failed init; a missing file is the commonest one.
        if (!Files.isRegularFile(config.modelPath())) {
            throw new RkllmException(NativeStatus.INVALID_ARGUMENT,
                    "model file " + config.modelPath() + " does not exist or is not a regular file");
        }
        return new RkllmSession(config, RkllmBridge.open(config));
    }

    /**
     * Runs the request synchronously on the calling thread, passing each token to {@code sink} as it
     * comes. 1.2.x runtimes fix sampling and {@code maxNewTokens} at init: a request that asks for other
     * values fails with UNSUPPORTED there (null sampling and {@code maxNewTokens <= 0} are always fine).
     * The request's seed goes to the runtime where it takes one (the simulator) and is ignored elsewhere.
     *
     * @return how the run ended, the runtime's perf stats, and the prompt size where known
     * @throws RkllmException BUSY, CLOSED, UNSUPPORTED, RUN_FAILED (for example a prompt longer than the context)
     * @throws RuntimeException or Error that the sink threw (a checked one wrapped in CALLBACK_FAILED)
     */
    public RunResult run(RunRequest request, TokenSink sink) {
        Objects.requireNonNull(request, "request");
        return execute(request, perRunSampling(request), new RunCallback(sink), RkllmBridge.InferMode.GENERATE);
    }

    /**
     * Runs the request's input in {@code RKLLM_INFER_GET_LAST_HIDDEN_LAYER} mode: the runtime prefills it and hands
     * its last hidden layer to {@code sink} (in place, no copy); nothing is generated. For an embedding model, the
     * states are the input's embedding before pooling ({@link MeanPooling}). Sampling and token limits do not apply.
     *
     * @throws RkllmException BUSY, CLOSED, RUN_FAILED (an input longer than the context, or a runtime without the mode)
     */
    public RunResult runHiddenLayer(RunRequest request, HiddenStateSink sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        return execute(request, null, new RunCallback((id, text) -> { }, sink),
                RkllmBridge.InferMode.GET_LAST_HIDDEN_LAYER);
    }

    private RunResult execute(RunRequest request, SamplingParams sampling, RunCallback callback,
            RkllmBridge.InferMode mode) {
        long h = acquire(callback);
        try {
            if (request.seed() != null) {
                RkllmBridge.setSeed(h, request.seed());
            }
            try {
                RkllmBridge.run(h, request, sampling, callback, mode);
            } catch (RkllmException e) {
                callback.rethrowFailure();
                throw e;
            }
            RunOutcome outcome = callback.complete();
            PerfStats perf = callback.perf();
            // No FINISH: the run never started (stopped first), so the runtime's count is a previous run's.
            int promptTokens = perf == PerfStats.NONE ? -1 : RkllmBridge.promptTokens(h);
            return new RunResult(outcome, perf, promptTokens);
        } finally {
            release();
        }
    }

    private SamplingParams perRunSampling(RunRequest request) {
        SamplingParams sampling = request.sampling();
        if (config.abi() == AbiVersion.V1_3_0) {
            return sampling;
        }
        if (sampling != null && !sampling.equals(config.sampling())) {
            throw new RkllmException(NativeStatus.UNSUPPORTED,
                    "RKLLM 1.2.x fixes sampling at init; this session has " + config.sampling() + ", the request asks "
                            + sampling);
        }
        if (request.maxNewTokens() > 0 && request.maxNewTokens() != config.maxNewTokens()) {
            throw new RkllmException(NativeStatus.UNSUPPORTED, "RKLLM 1.2.x fixes maxNewTokens at init; this session has "
                    + config.maxNewTokens() + ", the request asks " + request.maxNewTokens());
        }
        return null;
    }

    /** Stops the run in progress as soon as the runtime allows ({@link RunOutcome#ABORTED}); no-op when idle. */
    public void abort() {
        stop(RunOutcome.ABORTED);
    }

    /**
     * Stops the run in progress at its next token by telling the runtime to pause
     * ({@link RunOutcome#PAUSED}): with {@code keepHistory} the KV cache keeps the text so far. No-op when idle.
     */
    public void pause() {
        stop(RunOutcome.PAUSED);
    }

    private void stop(RunOutcome how) {
        synchronized (lock) {
            // Under the lock: the handle cannot be destroyed meanwhile, and the run cannot end and be
            // replaced by the next one, so the stop reaches the run it was meant for.
            if (state == State.CLOSED || currentRun == null) {
                return;
            }
            currentRun.requestStop(how);
            RkllmBridge.stop(handle, how == RunOutcome.ABORTED);
        }
    }

    /** True while a run is in progress. Any thread. */
    public boolean isRunning() {
        return running;
    }

    /** Loads a prompt cache file saved by an earlier run ({@link RunRequest#withSavePromptCache}). */
    public void loadPromptCache(Path file) {
        Objects.requireNonNull(file, "file");
        call(h -> RkllmBridge.loadPromptCache(h, file));
    }

    /** Drops the loaded prompt cache from memory. */
    public void releasePromptCache() {
        call(RkllmBridge::releasePromptCache);
    }

    /** Empties the KV cache, keeping the system prompt's part if asked. */
    public void clearKvCache(boolean keepSystemPrompt) {
        call(h -> RkllmBridge.clearKvCache(h, keepSystemPrompt));
    }

    /**
     * Positions in use in the KV cache.
     *
     * @throws RkllmException UNSUPPORTED where the runtime lacks {@code rkllm_get_kv_cache_size}
     */
    public int kvCacheSize() {
        return callReturning(RkllmBridge::kvCacheSize);
    }

    /** Sets the runtime's chat template; three empty strings switch it off (then prompts go in verbatim). */
    public void setChatTemplate(String systemPrompt, String promptPrefix, String promptPostfix) {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(promptPrefix, "promptPrefix");
        Objects.requireNonNull(promptPostfix, "promptPostfix");
        call(h -> RkllmBridge.setChatTemplate(h, systemPrompt, promptPrefix, promptPostfix));
    }

    /**
     * Sets a simulator option ({@code rkllm_sim_set_option}).
     *
     * @return false when the runtime lacks the simulator extension (the vendor runtime)
     * @throws RkllmException INVALID_ARGUMENT for a key or value the simulator refuses
     */
    public boolean setSimulatorOption(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return callReturning(h -> RkllmBridge.setSimulatorOption(h, key, value));
    }

    public SessionConfig config() {
        return config;
    }

    public AbiVersion abi() {
        return config.abi();
    }

    public boolean isClosed() {
        synchronized (lock) {
            return state != State.OPEN;
        }
    }

    /**
     * Closes the session: stops a run in progress (as {@link #abort()}), waits for the call in progress
     * to return, then destroys the runtime handle. Idempotent; any thread. Called from inside a token
     * sink it returns at once and the run, which then ends ABORTED, destroys the handle as it returns.
     * Waits as long as the runtime takes to honour the abort.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (lock) {
            if (state == State.OPEN) {
                state = State.CLOSING;
                if (currentRun != null) {
                    currentRun.requestStop(RunOutcome.ABORTED);
                    RkllmBridge.stop(handle, true);
                }
            }
            if (user == Thread.currentThread()) {
                return;
            }
            destroyIfIdle();
            while (state != State.CLOSED) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One call other than run on the handle, holding the session's usage for its duration. */
    private <T> T callReturning(LongFunction<T> op) {
        long h = acquire(null);
        try {
            return op.apply(h);
        } finally {
            release();
        }
    }

    private void call(LongConsumer op) {
        callReturning(h -> {
            op.accept(h);
            return null;
        });
    }

    private long acquire(RunCallback run) {
        synchronized (lock) {
            if (state != State.OPEN) {
                throw new RkllmException(NativeStatus.CLOSED, "the session is closed");
            }
            if (user != null) {
                throw new RkllmException(NativeStatus.BUSY, user == Thread.currentThread()
                        ? "a call from inside the token sink (only abort, pause and close may be called there)"
                        : (running ? "a run" : "a call") + " is in progress on thread " + user.getName());
            }
            user = Thread.currentThread();
            currentRun = run;
            running = run != null;
            return handle;
        }
    }

    private void release() {
        synchronized (lock) {
            user = null;
            currentRun = null;
            running = false;
            destroyIfIdle();
        }
    }

    /** Holding the lock: destroys the handle when closing and no call is in progress. */
    private void destroyIfIdle() {
        if (state == State.CLOSING && user == null) {
            state = State.CLOSED;
            try {
                destroyer.clean();
            } finally {
                lock.notifyAll();
            }
        }
    }

    /** The native destruction, shared by close() and the Cleaner; must not refer to the session. */
    private static final class Destroyer implements Runnable {
        private final long handle;

        Destroyer(long handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            RkllmBridge.destroy(handle);
        }
    }
}
