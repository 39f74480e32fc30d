package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordsTest {
    private static final Path LIB = Path.of("/lib/librkllmrt.so");
    private static final Path MODEL = Path.of("/models/m.rkllm");

    @ParameterizedTest
    @CsvSource({"-1, 0.9, 0.8, 1.1, 0, 0", "1, 0, 0.8, 1.1, 0, 0", "1, 1.01, 0.8, 1.1, 0, 0", "1, NaN, 0.8, 1.1, 0, 0",
        "1, 0.9, -0.1, 1.1, 0, 0", "1, 0.9, Infinity, 1.1, 0, 0", "1, 0.9, 0.8, 0, 0, 0", "1, 0.9, 0.8, 1.1, NaN, 0",
        "1, 0.9, 0.8, 1.1, 0, Infinity"})
    void shouldRejectSamplingOutOfRange(int topK, float topP, float temperature, float repeat, float freq, float pres) {
        assertThatThrownBy(() -> new SamplingParams(topK, topP, temperature, repeat, freq, pres))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMakeGreedyPickTheTopTokenAndDefaultsSample() {
        assertThat(SamplingParams.GREEDY.topK()).isEqualTo(1);
        assertThat(SamplingParams.defaults().topK()).isGreaterThan(1);
        assertThat(SamplingParams.defaults()).isEqualTo(SamplingParams.defaults());
    }

    @Test
    void shouldFillSessionDefaultsAndCopyWithChanges() {
        SessionConfig c = SessionConfig.of(LIB, AbiVersion.V1_3_0, MODEL);

        assertThat(c.maxContextLen()).isEqualTo(4096);
        assertThat(c.maxNewTokens()).isEqualTo(512);
        assertThat(c.sampling()).isEqualTo(SamplingParams.GREEDY);
        assertThat(c.baseDomainId()).isZero();
        SessionConfig changed = c.withMaxContextLen(256).withMaxNewTokens(16).withBaseDomainId(2)
                .withSampling(SamplingParams.defaults());
        assertThat(changed).isEqualTo(new SessionConfig(LIB, AbiVersion.V1_3_0, MODEL, 256, 16,
                SamplingParams.defaults(), 2));
    }

    @Test
    void shouldRejectBadSessionConfig() {
        SessionConfig c = SessionConfig.of(LIB, AbiVersion.V1_2_X, MODEL);

        assertThatThrownBy(() -> c.withMaxContextLen(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withMaxNewTokens(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withBaseDomainId(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withSampling(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SessionConfig.of(null, AbiVersion.V1_3_0, MODEL)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldDefaultRequestsToUserWithoutHistory() {
        RunRequest r = RunRequest.prompt("hi");

        assertThat(r.role()).isEqualTo("user");
        assertThat(r.keepHistory()).isFalse();
        assertThat(r.maxNewTokens()).isZero();
        assertThat(r.sampling()).isNull();
        assertThat(r.savePromptCache()).isNull();
        assertThat(r.seed()).isNull();
        assertThat(r.tokenIds()).isNull();
        RunRequest changed = r.withRole("tool").withKeepHistory(true).withMaxNewTokens(5).withSeed(7L)
                .withSampling(SamplingParams.GREEDY).withSavePromptCache(Path.of("c.bin"));
        assertThat(changed).isEqualTo(new RunRequest("hi", null, "tool", true, 5, SamplingParams.GREEDY,
                Path.of("c.bin"), 7L));
    }

    @Test
    void shouldRequireExactlyOneInput() {
        assertThatThrownBy(() -> new RunRequest(null, null, "user", false, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new RunRequest("a", new int[] {1}, "user", false, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(RunRequest::tokens).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectTextThatCannotReachC() {
        assertThatThrownBy(() -> RunRequest.prompt("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunRequest.prompt("a").withRole(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunRequest.prompt("a").withRole(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldCopyTokenIdsInAndOutAndCompareThemByValue() {
        int[] ids = {1, 2, 3};
        RunRequest r = RunRequest.tokens(ids);
        ids[0] = 99;
        r.tokenIds()[1] = 99;

        assertThat(r.tokenIds()).containsExactly(1, 2, 3);
        assertThat(r).isEqualTo(RunRequest.tokens(1, 2, 3)).hasSameHashCodeAs(RunRequest.tokens(1, 2, 3));
        assertThat(r).isNotEqualTo(RunRequest.tokens(1, 2, 4));
    }

    @Test
    void shouldCountCachedTokensFromPromptAndPrefill() {
        PerfStats perf = new PerfStats(10, 20, 100, 50, 1);

        assertThat(new RunResult(RunOutcome.FINISHED, perf, 120).cachedPromptTokens()).isEqualTo(100);
        assertThat(new RunResult(RunOutcome.FINISHED, perf, -1).cachedPromptTokens()).isEqualTo(-1);
        assertThat(perf.prefillTokensPerSecond()).isEqualTo(2000.0);
        assertThat(perf.generateTokensPerSecond()).isEqualTo(500.0);
        assertThat(PerfStats.NONE.generateTokensPerSecond()).isZero();
        assertThatThrownBy(() -> new RunResult(RunOutcome.FINISHED, perf, -2)).isInstanceOf(IllegalArgumentException.class);
    }
}
