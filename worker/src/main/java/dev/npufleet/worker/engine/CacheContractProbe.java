package dev.npufleet.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Finds out the runtime's prompt-cache contract by trying both: a greedy answer without a cache, then with a
 * cache of the prompt's prefix loaded and (a) the full prompt sent, (b) only the rest sent. The contract whose
 * answer equals the uncached one, with fewer tokens prefilled, is the runtime's. Runs on the thread that owns
 * the engine (start-up, or {@code fleet doctor}), before any job.
 */
public final class CacheContractProbe {
    static final String PREFIX = "<|im_start|>system\nYou check that a board reuses its prompt cache.<|im_end|>\n";
    static final String REST = "<|im_start|>user\nName three rivers.<|im_end|>\n<|im_start|>assistant\n";
    private static final int TOKENS = 8;

    /**
     * What the probe saw.
     *
     * @param contract        the runtime's contract, {@link CacheContract#OFF} when neither reproduced the answer
     * @param uncachedPrefill tokens prefilled without a cache
     * @param fullPrefill     with the cache and the full prompt (-1: not tried)
     * @param restPrefill     with the cache and only the rest (-1: not tried)
     * @param detail          one line saying what was compared
     */
    public record Result(CacheContract contract, int uncachedPrefill, int fullPrefill, int restPrefill,
            String detail) {
        public Result {
            Objects.requireNonNull(contract, "contract");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private CacheContractProbe() {
    }

    /**
     * Runs the probe in dir (a cache file is written there and deleted). Leaves no cache loaded.
     *
     * @throws IOException when the probe's cache file cannot be handled
     */
    public static Result detect(InferenceEngine engine, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "contract-probe", ".kvc");
        try {
            Answer uncached = run(engine, PREFIX + REST, null);
            Files.deleteIfExists(file);
            run(engine, PREFIX, file);
            engine.loadPromptCache(file);
            Answer full = run(engine, PREFIX + REST, null);
            engine.releasePromptCache();
            if (!engine.reproducible()) {
                return byPrefillOnly(uncached, full);
            }
            if (full.text.equals(uncached.text) && full.prefill < uncached.prefill) {
                return new Result(CacheContract.PREFIX, uncached.prefill, full.prefill, -1, "full prompt after the cache"
                        + " gave the uncached answer with " + full.prefill + " of " + uncached.prefill + " tokens prefilled");
            }
            engine.loadPromptCache(file);
            Answer rest = run(engine, REST, null);
            engine.releasePromptCache();
            if (rest.text.equals(uncached.text)) {
                return new Result(CacheContract.APPEND, uncached.prefill, full.prefill, rest.prefill, "only the rest"
                        + " after the cache gave the uncached answer with " + rest.prefill + " of " + uncached.prefill
                        + " tokens prefilled (the full prompt " + (full.text.equals(uncached.text)
                                ? "gave it too but prefilled all " + full.prefill : "gave another answer") + ")");
            }
            return new Result(CacheContract.OFF, uncached.prefill, full.prefill, rest.prefill, "neither the full prompt"
                    + " (prefilled " + full.prefill + ") nor only the rest (prefilled " + rest.prefill + ") after the"
                    + " cache gave the uncached answer (prefilled " + uncached.prefill + ")");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A runtime whose answers differ run to run (1.2.x samples, unseeded): only the prefill count can tell. */
    private static Result byPrefillOnly(Answer uncached, Answer full) {
        if (full.prefill < uncached.prefill) {
            return new Result(CacheContract.PREFIX, uncached.prefill, full.prefill, -1, "full prompt after the cache"
                    + " prefilled " + full.prefill + " of " + uncached.prefill + " tokens (answers not compared: this"
                    + " runtime samples without a seed)");
        }
        return new Result(CacheContract.OFF, uncached.prefill, full.prefill, -1, "full prompt after the cache still"
                + " prefilled " + full.prefill + " of " + uncached.prefill + " tokens, and answers cannot be compared"
                + " on this runtime (it samples without a seed): the append contract cannot be confirmed");
    }

    private static Answer run(InferenceEngine engine, String prompt, Path save) {
        StringBuilder text = new StringBuilder();
        EngineResult r = engine.run(new EngineRequest(prompt, TOKENS, Sampling.GREEDY, 1L, save),
                (id, piece) -> text.append(piece));
        return new Answer(text.toString(), r.prefillTokens());
    }

    private record Answer(String text, int prefill) {
    }
}
