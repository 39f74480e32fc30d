package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java half of the callback path, driven as the bridge drives it. */
class RunCallbackTest {
    private final List<String> texts = new ArrayList<>();
    private final List<Integer> ids = new ArrayList<>();

    private RunCallback recording() {
        return new RunCallback((id, text) -> {
            ids.add(id);
            texts.add(text);
        });
    }

    @Test
    void shouldPassTokensDecodedAndFlushTheRestAtTheEnd() {
        RunCallback cb = recording();
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);

        assertThat(cb.onToken(new byte[] {'h', 'i', emoji[0], emoji[1]}, 7)).isEqualTo(RunCallback.CONTINUE);
        assertThat(cb.onToken(new byte[] {emoji[2], emoji[3]}, 8)).isEqualTo(RunCallback.CONTINUE);
        assertThat(cb.onToken(new byte[] {(byte) 0xE4}, 9)).isEqualTo(RunCallback.CONTINUE);
        cb.onFinish(1.5f, 3, 2.5f, 3, 4.0f);

        assertThat(cb.complete()).isEqualTo(RunOutcome.FINISHED);
        assertThat(ids).containsExactly(7, 8, 9, TokenSink.NO_TOKEN);
        assertThat(texts).containsExactly("hi", "😀", "", "\uFFFD");
        assertThat(cb.perf()).isEqualTo(new PerfStats(1.5f, 3, 2.5f, 3, 4.0f));
    }

    @Test
    void shouldPauseAndRethrowTheSinksRuntimeExceptionAsIs() {
        IllegalStateException boom = new IllegalStateException("boom");
        RunCallback cb = new RunCallback((id, text) -> {
            throw boom;
        });

        assertThat(cb.onToken(new byte[] {'a'}, 1)).isEqualTo(RunCallback.PAUSE);
        assertThat(cb.isStopRequested()).isTrue();
        assertThat(cb.onToken(new byte[] {'b'}, 2)).isEqualTo(RunCallback.PAUSE);
        assertThatThrownBy(cb::complete).isSameAs(boom);
    }

    @Test
    void shouldWrapACheckedFailureInCallbackFailed() {
        RunCallback cb = recording();
        IOException io = new IOException("disk");

        cb.onFailure(io);

        assertThatThrownBy(cb::complete).isInstanceOf(RkllmException.class)
                .hasCause(io)
                .extracting(e -> ((RkllmException) e).status()).isEqualTo(NativeStatus.CALLBACK_FAILED);
    }

    @Test
    void shouldStopDeliveringOnceAStopIsRequestedAndReportIt() {
        RunCallback cb = recording();
        cb.onToken(new byte[] {'a'}, 1);

        cb.requestStop(RunOutcome.PAUSED);
        cb.requestStop(RunOutcome.ABORTED);
        cb.requestStop(RunOutcome.PAUSED);

        assertThat(cb.onToken(new byte[] {'b'}, 2)).isEqualTo(RunCallback.PAUSE);
        assertThat(texts).containsExactly("a");
        assertThat(cb.complete()).isEqualTo(RunOutcome.ABORTED);
        assertThat(cb.perf()).isEqualTo(PerfStats.NONE);
    }

    @Test
    void shouldReturnPauseFromTheTokenOnWhichTheSinkAskedToStop() {
        RunCallback[] self = new RunCallback[1];
        self[0] = new RunCallback((id, text) -> self[0].requestStop(RunOutcome.PAUSED));

        assertThat(self[0].onToken(new byte[] {'a'}, 1)).isEqualTo(RunCallback.PAUSE);
        assertThat(self[0].complete()).isEqualTo(RunOutcome.PAUSED);
    }
}
