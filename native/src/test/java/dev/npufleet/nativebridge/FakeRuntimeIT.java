package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a runtime that behaves as the vendor's may: callbacks on a thread of the runtime's
 * own (attached to the JVM for each callback), and none of the simulator's extensions
 * (bridge/test/fake_runtime.c; its output is fixed: "héllo 😀 中!", one byte per token).
 */
class FakeRuntimeIT {
    private static final String OUTPUT = "héllo 😀 中!";

    @TempDir
    Path dir;
    private SessionConfig config;

    @BeforeEach
    void setUp() throws IOException {
        Path runtime = Path.of(System.getProperty("npufleet.test.fake.runtime"));
        assertThat(runtime).isRegularFile();
        config = SessionConfig.of(runtime, AbiVersion.V1_3_0, Files.writeString(dir.resolve("model.bin"), "any"));
    }

    @Test
    void shouldDeliverCallbacksFromTheRuntimesOwnThreadDecodedWhole() {
        List<Thread> threads = new ArrayList<>();
        Collected out = new Collected();
        try (RkllmSession session = RkllmSession.open(config)) {
            RunResult result = session.run(RunRequest.prompt("four").withSeed(5L), (id, text) -> {
                threads.add(Thread.currentThread());
                out.onToken(id, text);
            });

            assertThat(threads).isNotEmpty().doesNotContain(Thread.currentThread());
            assertThat(out.text()).isEqualTo(OUTPUT).isEqualTo(out.decodedRawBytes());
            assertThat(out.pieces).contains("", "é", "😀", "中");
            assertThat(result.outcome()).isEqualTo(RunOutcome.FINISHED);
            assertThat(result.perf()).isEqualTo(new PerfStats(1.0f, 4, 2.0f, out.tokens, 3.0f));
            assertThat(result.promptTokens()).as("no rkllm_sim_prompt_tokens").isEqualTo(-1);
            assertThat(result.cachedPromptTokens()).isEqualTo(-1);
        }
    }

    @Test
    void shouldRethrowOnTheCallersThreadWhatTheSinkThrewOnTheRuntimesThread() {
        IllegalArgumentException boom = new IllegalArgumentException("bad token");
        try (RkllmSession session = RkllmSession.open(config)) {
            assertThatThrownBy(() -> session.run(RunRequest.prompt("x"), (id, text) -> {
                throw boom;
            })).isSameAs(boom);

            assertThat(session.run(RunRequest.prompt("x"), new Collected()).outcome()).isEqualTo(RunOutcome.FINISHED);
        }
    }

    @Test
    void shouldAbortFromInsideASinkOnTheRuntimesThread() {
        try (RkllmSession session = RkllmSession.open(config)) {
            Collected out = Collected.actingAt(3, session::abort);

            RunResult result = session.run(RunRequest.prompt("x"), out);

            assertThat(result.outcome()).isEqualTo(RunOutcome.ABORTED);
            assertThat(out.tokens).isEqualTo(3);
            assertThat(out.text()).isEqualTo("hé");
        }
    }

    @Test
    void shouldReportWhatAVendorLikeRuntimeCannotDo() {
        try (RkllmSession session = RkllmSession.open(config)) {
            assertThat(session.setSimulatorOption("board", "rk3588")).isFalse();
            assertThatThrownBy(session::kvCacheSize)
                    .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.UNSUPPORTED))
                    .hasMessageContaining("rkllm_get_kv_cache_size");
            assertThatThrownBy(() -> session.loadPromptCache(dir.resolve("c.kvc")))
                    .isInstanceOfSatisfying(RkllmException.class,
                            e -> assertThat(e.status()).isEqualTo(NativeStatus.CACHE_LOAD_FAILED))
                    .hasMessageContaining("gives no reason");
            session.clearKvCache(true);
            session.setChatTemplate("", "", "");
        }
    }
}
