package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code RKLLM_INFER_GET_LAST_HIDDEN_LAYER} through the real bridge into the simulator, for both ABI generations. */
class HiddenLayerIT {
    @TempDir
    static Path dir;

    private static float[] embed(RkllmSession session, String text, AtomicInteger tokensSeen) {
        AtomicReference<float[]> out = new AtomicReference<>();
        RunResult result = session.runHiddenLayer(RunRequest.prompt(text), (states, embd, tokens) -> {
            assertThat(states.isDirect()).as("the runtime's memory, not a copy").isTrue();
            tokensSeen.set(tokens);
            out.set(MeanPooling.pooled(states, embd, tokens));
        });
        assertThat(result.outcome()).isEqualTo(RunOutcome.FINISHED);
        assertThat(result.perf().generateTokens()).isZero();
        assertThat(result.perf().prefillTokens()).isEqualTo(tokensSeen.get()).isEqualTo(result.promptTokens());
        return out.get();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldHandTheInputsHiddenStatesInPlaceAndPoolThemToAUnitVector(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            AtomicInteger tokens = new AtomicInteger();
            float[] river = embed(session, "The river runs to the sea.", tokens);
            assertThat(tokens.get()).isGreaterThan(10);
            float[] again = embed(session, "The river runs to the sea.", new AtomicInteger());
            float[] bread = embed(session, "Bread rises in a warm kitchen.", new AtomicInteger());

            assertThat(river).hasSizeGreaterThan(8).isEqualTo(again);
            assertThat(dot(river, river)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(bread).isNotEqualTo(river);
            assertThat(dot(river, bread)).isLessThan(0.999999);

            // a generation run on the same session still generates
            Collected out = new Collected();
            session.run(RunRequest.prompt("Hello"), out);
            assertThat(out.tokens).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRethrowWhatTheHiddenStateSinkThrows(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            assertThatThrownBy(() -> session.runHiddenLayer(RunRequest.prompt("x"), (states, embd, tokens) -> {
                throw new IllegalStateException("sink broke");
            })).isInstanceOf(IllegalStateException.class).hasMessage("sink broke");
            assertThat(session.isRunning()).isFalse();
        }
    }
}
