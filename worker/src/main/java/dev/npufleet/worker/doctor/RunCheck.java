package dev.npufleet.worker.doctor;

import dev.npufleet.worker.engine.CacheContract;
import dev.npufleet.worker.engine.CacheContractProbe;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.engine.Sampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A short real run on the opened engine: the prompt-cache contract (the worker's start-up probe), prefill
 * and decode rates and time to first token, a cache saved and loaded with its payoff and the prefill tokens
 * that prove it was used, and how long an abort takes. Runs on the caller's thread (plus one for the abort
 * run). Figures are this board's at this moment, not asserted anywhere.
 */
final class RunCheck {
    private static final String SYSTEM = "<|im_start|>system\nYou are the maintenance assistant of a fleet of"
            + " single-board computers. Answer briefly and precisely. Boards run Linux, each has one NPU, caches"
            + " live on local storage, jobs arrive through Kafka, and every answer is streamed back token by token."
            + " Prefer short lists, give commands in full, and say when a step needs root.<|im_end|>\n";
    private static final String USER = "<|im_start|>user\nHow do I check that the NPU driver is loaded?<|im_end|>\n"
            + "<|im_start|>assistant\n";
    private static final int TOKENS = 24;

    private RunCheck() {
    }

    static List<Check> run(InferenceEngine engine, Path work) throws IOException, InterruptedException {
        List<Check> out = new ArrayList<>();
        CacheContractProbe.Result probe = CacheContractProbe.detect(engine, work);
        engine.setCacheContract(probe.contract());
        out.add(probe.contract() == CacheContract.OFF
                ? Check.fail("cache contract", probe.detail(), "prompt caches stay off on this runtime; report the"
                        + " runtime version, or try another (rknn-llm issue 399 reports loads that did not help)")
                : Check.pass("cache contract", probe.contract() + ": " + probe.detail()));
        Timed cold = timed(engine, new EngineRequest(SYSTEM + USER, TOKENS, Sampling.GREEDY, 1L, null));
        out.add(new Check("short run", Check.Status.PASS, String.format("prefill %.0f tokens/s, decode %.1f tokens/s,"
                + " TTFT %.0f ms (%d prompt tokens)", cold.r.prefillTokensPerSecond(), cold.r.decodeTokensPerSecond(),
                cold.ttftMs, cold.r.prefillTokens()), "", Map.of("prefill_tps", round(cold.r.prefillTokensPerSecond()),
                "decode_tps", round(cold.r.decodeTokensPerSecond()), "ttft_ms", round(cold.ttftMs),
                "prompt_tokens", cold.r.prefillTokens())));
        if (probe.contract() != CacheContract.OFF) {
            out.add(cache(engine, work, cold));
        }
        out.add(abort(engine));
        return out;
    }

    private static Check cache(InferenceEngine engine, Path work, Timed cold) throws IOException {
        Path file = work.resolve("doctor.kvc");
        Files.deleteIfExists(file);
        try {
            long t0 = System.nanoTime();
            engine.run(new EngineRequest(SYSTEM, 1, Sampling.GREEDY, 1L, file), (id, text) -> { });
            double saveMs = (System.nanoTime() - t0) / 1e6;
            long fileBytes = Files.size(file);
            t0 = System.nanoTime();
            engine.loadPromptCache(file);
            double loadMs = (System.nanoTime() - t0) / 1e6;
            Timed warm = timed(engine, new EngineRequest(SYSTEM + USER, TOKENS, Sampling.GREEDY, 1L, null, SYSTEM));
            engine.releasePromptCache();
            double payoff = cold.ttftMs / (loadMs + warm.ttftMs);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file_bytes", fileBytes);
            f.put("save_ms", round(saveMs));
            f.put("load_ms", round(loadMs));
            f.put("cached_ttft_ms", round(warm.ttftMs));
            f.put("payoff", round(payoff));
            f.put("prefill_tokens_uncached", cold.r.prefillTokens());
            f.put("prefill_tokens_cached", warm.r.prefillTokens());
            String detail = String.format("%.1f MB file: save %.0f ms, load %.0f ms, TTFT %.0f ms → payoff %.2fx"
                    + " (load + TTFT vs %.0f ms uncached); prefilled %d of %d tokens", fileBytes / 1e6, saveMs, loadMs,
                    warm.ttftMs, payoff, cold.ttftMs, warm.r.prefillTokens(), cold.r.prefillTokens());
            boolean used = warm.r.prefillTokens() < cold.r.prefillTokens();
            Check.Status status = !used ? Check.Status.FAIL : payoff < 1.0 ? Check.Status.WARN : Check.Status.PASS;
            String fix = !used ? "the runtime did not use the loaded cache: keep prompt caches off (NPUFLEET_CACHE_CONTRACT=off)"
                    : payoff < 1.0 ? "loading costs more than it saves here: faster storage (NVMe), or cache only long prefixes"
                    : "";
            return new Check("prompt cache", status, detail, fix, f);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Check abort(InferenceEngine engine) throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<EngineResult> run = CompletableFuture.supplyAsync(() -> engine.run(
                new EngineRequest(SYSTEM + USER, 4096, Sampling.GREEDY, 1L, null), (id, text) -> first.countDown()));
        if (!first.await(120, TimeUnit.SECONDS)) {
            engine.abort();
            return Check.fail("abort", "no first token within 120 s", "run the doctor again; check the runtime's log");
        }
        long t0 = System.nanoTime();
        engine.abort();
        try {
            EngineResult r = run.get(60, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            return new Check("abort", Check.Status.PASS, String.format("stopped %.0f ms after rkllm_abort (%s, %d"
                    + " tokens)", ms, r.outcome(), r.generateTokens()), "", Map.of("abort_ms", round(ms)));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Check.fail("abort", "the run did not stop within 60 s of rkllm_abort: " + e.getMessage(),
                    "jobs cannot be cancelled on this runtime: report its version");
        }
    }

    private static Timed timed(InferenceEngine engine, EngineRequest request) {
        long t0 = System.nanoTime();
        long[] first = {0};
        EngineResult r = engine.run(request, (id, text) -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
        });
        return new Timed(r, first[0] == 0 ? 0 : (first[0] - t0) / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private record Timed(EngineResult r, double ttftMs) {
    }
}
