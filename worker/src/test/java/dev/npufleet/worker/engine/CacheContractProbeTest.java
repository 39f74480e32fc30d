package dev.npufleet.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's decision for a runtime whose answers differ from run to run (a vendor 1.2.x runtime samples
 * without a seed): only the prefill count can tell, so a reused prefix is PREFIX and anything else is OFF.
 * The reproducible cases run through the real bridge in CacheContractIT.
 */
class CacheContractProbeTest {
    @TempDir
    Path dir;

    /** Every answer is new text; the prefill count follows the given behaviour of a loaded cache. */
    private static final class SamplingRuntime implements InferenceEngine {
        private final boolean reusesPrefix;
        private final AtomicInteger runs = new AtomicInteger();
        private boolean loaded;

        SamplingRuntime(boolean reusesPrefix) {
            this.reusesPrefix = reusesPrefix;
        }

        @Override
        public EngineIdentity identity() {
            return new EngineIdentity("librkllmrt.so", "1.2.x", "r", "m");
        }

        @Override
        public boolean reproducible() {
            return false;
        }

        @Override
        public EngineResult run(EngineRequest request, TokenListener listener) {
            listener.onToken(1, "answer " + runs.incrementAndGet());
            int tokens = request.prompt().length();
            if (request.savePromptCache() != null) {
                try {
                    Files.writeString(request.savePromptCache(), "kv");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            int prefill = loaded && reusesPrefix ? tokens - CacheContractProbe.PREFIX.length() : tokens;
            return new EngineResult(EngineResult.Outcome.FINISHED, tokens, prefill, 1.0, 1, 1.0);
        }

        @Override
        public void abort() {
        }

        @Override
        public void loadPromptCache(Path file) {
            loaded = true;
        }

        @Override
        public void releasePromptCache() {
            loaded = false;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldTrustAReusedPrefixOnARuntimeThatSamples() throws IOException {
        CacheContractProbe.Result r = CacheContractProbe.detect(new SamplingRuntime(true), dir);

        assertThat(r.contract()).isEqualTo(CacheContract.PREFIX);
        assertThat(r.detail()).contains("answers not compared");
        assertThat(r.fullPrefill()).isLessThan(r.uncachedPrefill());
    }

    @Test
    void shouldTurnCachesOffWhenASamplingRuntimeReusesNothing() throws IOException {
        CacheContractProbe.Result r = CacheContractProbe.detect(new SamplingRuntime(false), dir);

        assertThat(r.contract()).isEqualTo(CacheContract.OFF);
        assertThat(r.detail()).contains("append contract cannot be confirmed");
    }
}
