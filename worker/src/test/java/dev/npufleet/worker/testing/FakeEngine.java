package dev.npufleet.worker.testing;

import dev.npufleet.worker.engine.EngineIdentity;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.engine.PromptCacheLoadException;
import dev.npufleet.worker.engine.TokenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An engine for unit tests that behaves like the runtime where the worker relies on it: one
 * character per token, a deterministic answer per prompt, a prompt cache file that holds the
 * prompt text (so a later run reuses the longest common prefix and reports fewer prefill tokens),
 * abort from any thread, and a hold point so a test can keep a job running.
 */
public final class FakeEngine implements InferenceEngine {

    private static final String MAGIC = "FAKE-KV\n";

    private final EngineIdentity identity;
    private volatile Function<String, String> answers = prompt -> "Hello from the fake NPU.";
    private volatile boolean abortRequested;
    private volatile String loadedPrefix;
    private volatile CountDownLatch hold;
    private volatile int holdAfter = -1;
    private volatile RuntimeException nextFailure;
    private final CountDownLatch held = new CountDownLatch(1);
    private final List<String> prompts = new CopyOnWriteArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();
    private final AtomicInteger aborts = new AtomicInteger();
    private volatile boolean running;

    public FakeEngine() {
        this(new EngineIdentity("fake", "1.3.0", "runtime-hash", "model-hash"));
    }

    public FakeEngine(EngineIdentity identity) {
        this.identity = identity;
    }

    /** Answers every prompt with {@code text}. */
    public FakeEngine answering(String text) {
        this.answers = prompt -> text;
        return this;
    }

    public FakeEngine answering(Function<String, String> byPrompt) {
        this.answers = byPrompt;
        return this;
    }

    /** The next runs stop after {@code tokens} tokens until {@link #release()} or an abort. */
    public FakeEngine holdAfter(int tokens) {
        this.hold = new CountDownLatch(1);
        this.holdAfter = tokens;
        return this;
    }

    public void release() {
        CountDownLatch h = hold;
        holdAfter = -1;
        if (h != null) {
            h.countDown();
        }
    }

    /** True once a run reached the hold point. */
    public boolean isHeld() {
        return held.getCount() == 0 && running;
    }

    public FakeEngine failNextRun(RuntimeException e) {
        this.nextFailure = e;
        return this;
    }

    @Override
    public EngineIdentity identity() {
        return identity;
    }

    @Override
    public EngineResult run(EngineRequest request, TokenListener listener) {
        RuntimeException failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            throw failure;
        }
        running = true;
        abortRequested = false;
        try {
            prompts.add(request.prompt());
            int promptTokens = request.prompt().length();
            int reused = commonPrefix(loadedPrefix, request.prompt());
            if (request.savePromptCache() != null) {
                write(request.savePromptCache(), MAGIC + request.prompt());
            }
            String answer = answers.apply(request.prompt());
            int generated = 0;
            int[] chars = answer.codePoints().toArray(); // one token per character, as whole characters
            for (int i = 0; i < chars.length && generated < request.maxNewTokens(); i++) {
                if (abortRequested) {
                    return result(EngineResult.Outcome.ABORTED, promptTokens, reused, generated);
                }
                if (generated == holdAfter) {
                    held.countDown();
                    awaitHold();
                    if (abortRequested) {
                        return result(EngineResult.Outcome.ABORTED, promptTokens, reused, generated);
                    }
                }
                generated++;
                listener.onToken(chars[i], Character.toString(chars[i]));
            }
            return result(abortRequested ? EngineResult.Outcome.ABORTED : EngineResult.Outcome.FINISHED,
                    promptTokens, reused, generated);
        } finally {
            running = false;
        }
    }

    private void awaitHold() {
        CountDownLatch h = hold;
        try {
            while (h != null && !abortRequested && !h.await(5, TimeUnit.MILLISECONDS)) {
                // wait for release or abort
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EngineResult result(EngineResult.Outcome outcome, int promptTokens, int reused, int generated) {
        return new EngineResult(outcome, promptTokens, promptTokens - reused, 10.0, generated, generated * 2.0);
    }

    @Override
    public void abort() {
        aborts.incrementAndGet();
        abortRequested = true;
    }

    @Override
    public void loadPromptCache(Path file) {
        loads.incrementAndGet();
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new PromptCacheLoadException("cannot read " + file, e);
        }
        if (!content.startsWith(MAGIC)) {
            throw new PromptCacheLoadException("not a prompt cache: " + file, null);
        }
        loadedPrefix = content.substring(MAGIC.length());
    }

    @Override
    public void releasePromptCache() {
        releases.incrementAndGet();
        loadedPrefix = null;
    }

    @Override
    public void close() {
        abort();
    }

    public List<String> prompts() {
        return prompts;
    }

    public int loads() {
        return loads.get();
    }

    public int releases() {
        return releases.get();
    }

    public int aborts() {
        return aborts.get();
    }

    public String loadedPrefix() {
        return loadedPrefix;
    }

    private static int commonPrefix(String a, String b) {
        if (a == null) {
            return 0;
        }
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
