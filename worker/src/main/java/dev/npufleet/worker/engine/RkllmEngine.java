package dev.npufleet.worker.engine;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.MeanPooling;
import dev.npufleet.nativebridge.NativeStatus;
import dev.npufleet.nativebridge.PerfStats;
import dev.npufleet.nativebridge.RkllmException;
import dev.npufleet.nativebridge.RkllmSession;
import dev.npufleet.nativebridge.RunOutcome;
import dev.npufleet.nativebridge.RunRequest;
import dev.npufleet.nativebridge.RunResult;
import dev.npufleet.nativebridge.SamplingParams;
import dev.npufleet.nativebridge.SessionConfig;
import dev.npufleet.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link InferenceEngine} of a board: an {@link RkllmSession} through the JNI bridge into the
 * vendor runtime or the project's simulator. Switches the runtime's chat template off (the worker
 * renders it), maps runtime failures to job errors, and reopens the session once when it breaks;
 * when it cannot, the NPU is lost ({@link NpuLostException}).
 *
 * <p>Threads as {@link InferenceEngine}: one job thread drives it; {@link #abort()} from any thread.
 */
public final class RkllmEngine implements InferenceEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RkllmEngine.class);

    private final SessionConfig sessionConfig;
    private final Map<String, String> simOptions;
    private final EngineIdentity identity;
    private volatile RkllmSession session;
    private volatile CacheContract contract = CacheContract.PREFIX;

    private RkllmEngine(SessionConfig sessionConfig, Map<String, String> simOptions, EngineIdentity identity,
            RkllmSession session) {
        this.sessionConfig = sessionConfig;
        this.simOptions = simOptions;
        this.identity = identity;
        this.session = session;
    }

    /**
     * Opens a session.
     *
     * @param simOptions simulator options to set on the session (empty for the vendor runtime)
     * @throws NpuLostException when the runtime or model cannot be opened
     */
    public static RkllmEngine open(SessionConfig config, Map<String, String> simOptions, EngineIdentity identity) {
        return new RkllmEngine(config, Map.copyOf(simOptions), identity, openSession(config, simOptions));
    }

    private static RkllmSession openSession(SessionConfig config, Map<String, String> simOptions) {
        RkllmSession s;
        try {
            s = RkllmSession.open(config);
        } catch (RkllmException | UnsatisfiedLinkError e) {
            throw new NpuLostException("cannot open the RKLLM runtime " + config.runtimeLibrary() + " with model "
                    + config.modelPath() + ": " + e.getMessage(), e);
        }
        try {
            // The worker renders the chat template in Java, so cache prefixes match the prompt exactly.
            s.setChatTemplate("", "", "");
            for (Map.Entry<String, String> option : simOptions.entrySet()) {
                if (!s.setSimulatorOption(option.getKey(), option.getValue())) {
                    throw new RkllmException(NativeStatus.UNSUPPORTED, "the runtime takes no simulator options");
                }
            }
        } catch (RkllmException e) {
            s.close();
            throw new NpuLostException("cannot set up the runtime session: " + e.getMessage(), e);
        }
        return s;
    }

    @Override
    public EngineIdentity identity() {
        return identity;
    }

    @Override
    public EngineResult run(EngineRequest request, TokenListener listener) {
        // The append contract: the loaded cache is context already, so only the rest of the prompt is sent.
        boolean append = contract == CacheContract.APPEND && request.cachedPrefix() != null;
        String prompt = append ? request.prompt().substring(request.cachedPrefix().length()) : request.prompt();
        RunRequest run = RunRequest.prompt(prompt).withSeed(request.seed())
                .withSavePromptCache(request.savePromptCache());
        LengthGuard guard = null;
        if (sessionConfig.abi() == AbiVersion.V1_3_0) {
            run = run.withMaxNewTokens(request.maxNewTokens()).withSampling(toParams(request.sampling()));
        } else {
            // 1.2.x fixes sampling and max_new_tokens at init: enforce a job's smaller limit here.
            guard = new LengthGuard(request.maxNewTokens(), listener);
        }
        try {
            RunResult r = session.run(run, guard != null ? guard::onToken : listener::onToken);
            PerfStats p = r.perf();
            boolean aborted = r.outcome() != RunOutcome.FINISHED && (guard == null || !guard.reached());
            // Appended: the runtime counted only the rest; -1 lets the caller add the cache's prefix tokens.
            return new EngineResult(aborted ? EngineResult.Outcome.ABORTED : EngineResult.Outcome.FINISHED,
                    append ? -1 : r.promptTokens(), p.prefillTokens(), p.prefillTimeMs(), p.generateTokens(), p.generateTimeMs());
        } catch (RkllmException e) {
            int bytes = request.prompt().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (e.status() == NativeStatus.RUN_FAILED && !EngineIdentity.SIMULATOR.equals(identity.runtime())
                    && bytes >= sessionConfig.maxContextLen()) {
                throw ContextOverflow.unexplained(bytes, sessionConfig.maxContextLen(), e);
            }
            throw classify(e);
        }
    }

    @Override
    public Sampling fixedSampling() {
        // 1.2.x takes sampling at init only; Engines opens it with the defaults.
        return sessionConfig.abi() == AbiVersion.V1_3_0 ? null : Sampling.DEFAULTS;
    }

    @Override
    public int maxContext() {
        return sessionConfig.maxContextLen();
    }

    @Override
    public int maxBytesPerToken() {
        // "<|endoftext|>", the simulator's longest token; the vendor tokenizers' bound is not known here.
        return EngineIdentity.SIMULATOR.equals(identity.runtime()) ? 13 : 0;
    }

    @Override
    public boolean reproducible() {
        return sessionConfig.abi() == AbiVersion.V1_3_0 || EngineIdentity.SIMULATOR.equals(identity.runtime());
    }

    @Override
    public void setCacheContract(CacheContract contract) {
        this.contract = java.util.Objects.requireNonNull(contract, "contract");
    }

    @Override
    public CacheContract cacheContract() {
        return contract;
    }

    @Override
    public EmbeddingResult embed(String text) {
        float[][] vector = new float[1][];
        try {
            RunResult r = session.runHiddenLayer(RunRequest.prompt(text),
                    (states, embd, tokens) -> vector[0] = MeanPooling.pooled(states, embd, tokens));
            if (vector[0] == null) {
                throw new InferenceException(ErrorCode.RUNTIME_ERROR, r.outcome() == RunOutcome.FINISHED
                        ? "the runtime returned no hidden states" : "the embedding run was stopped");
            }
            return new EmbeddingResult(vector[0], r.perf().prefillTokens(), r.perf().prefillTimeMs());
        } catch (RkllmException e) {
            throw classify(e);
        }
    }

    @Override
    public void abort() {
        session.abort();
    }

    @Override
    public void loadPromptCache(Path file) {
        try {
            session.loadPromptCache(file);
        } catch (RkllmException e) {
            if (brokenSession(e.status())) {
                throw classify(e);
            }
            throw new PromptCacheLoadException("runtime refused the prompt cache " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void releasePromptCache() {
        try {
            session.releasePromptCache();
        } catch (RkllmException e) {
            throw classify(e);
        }
    }

    @Override
    public void close() {
        session.close();
    }

    private RuntimeException classify(RkllmException e) {
        NativeStatus status = e.status();
        String message = e.getMessage() == null ? status.name() : e.getMessage();
        if (message.toLowerCase(Locale.ROOT).contains("max_context_len")) {
            return ContextOverflow.fromRuntime(message, sessionConfig.maxContextLen(), e);
        }
        if (status == NativeStatus.INVALID_ARGUMENT) {
            return new InferenceException(ErrorCode.INVALID_REQUEST, message, e);
        }
        if (brokenSession(status)) {
            reopen(e);
            return new InferenceException(ErrorCode.RUNTIME_ERROR, "runtime session failed and was reopened: "
                    + message, e);
        }
        return new InferenceException(ErrorCode.RUNTIME_ERROR, message, e);
    }

    private static boolean brokenSession(NativeStatus status) {
        return status == NativeStatus.CLOSED || status == NativeStatus.INIT_FAILED
                || status == NativeStatus.RUNTIME_NOT_FOUND || status == NativeStatus.SYMBOL_MISSING
                || status == NativeStatus.ABI_MISMATCH;
    }

    /** Replaces a broken session; a session that cannot be reopened means the NPU is lost. */
    private void reopen(RkllmException cause) {
        LOG.atWarn().log("RKLLM session broken ({}); reopening it", cause.getMessage());
        try {
            session.close();
        } catch (RuntimeException ignored) {
            // it is broken already
        }
        session = openSession(sessionConfig, simOptions);
    }

    static SamplingParams toParams(Sampling s) {
        return new SamplingParams(s.topK(), s.topP(), s.temperature(), s.repeatPenalty(), s.frequencyPenalty(),
                s.presencePenalty());
    }

    /** Stops a 1.2.x run at the job's token limit (the runtime only knows the session's). */
    private final class LengthGuard {
        private final int limit;
        private final TokenListener listener;
        private int count;

        LengthGuard(int limit, TokenListener listener) {
            this.limit = limit;
            this.listener = listener;
        }

        void onToken(int id, String text) {
            if (count >= limit) {
                return;
            }
            count++;
            listener.onToken(id, text);
            if (count == limit) {
                session.abort();
            }
        }

        boolean reached() {
            return count >= limit;
        }
    }
}
