package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stopping runs (abort, pause, close) from other threads and from inside the sink, and calls at the wrong time. */
// A stop that never lands would leave close() waiting forever: fail the test instead of hanging the build.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AbortAndCloseIT {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final ExecutorService POOL = Executors.newCachedThreadPool(SimFixture::daemon);

    @TempDir
    static Path dir;

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    /** A session whose runs block in the runtime after 3 tokens until aborted (the simulator's stall fault). */
    private static RkllmSession stallingSession(AbiVersion abi) {
        RkllmSession session = RkllmSession.open(
                SimFixture.config(abi, SimFixture.tinyModel(dir)).withMaxNewTokens(200));
        assertThat(session.setSimulatorOption("stall_after_tokens", "3")).isTrue();
        return session;
    }

    private static CompletableFuture<RunResult> runAsync(RkllmSession session, RunRequest request, TokenSink sink) {
        return CompletableFuture.supplyAsync(() -> session.run(request, sink), POOL);
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldAbortAStreamFromAnotherThreadPromptlyKeepingThePartialText(AbiVersion abi) throws Exception {
        try (RkllmSession session = stallingSession(abi)) {
            Collected out = new Collected();
            CompletableFuture<RunResult> run = runAsync(session, RunRequest.prompt("Write a long essay"), out);
            await().atMost(PROMPTLY).until(() -> out.tokens == 3);
            assertThat(session.isRunning()).isTrue();

            session.abort();

            await().atMost(PROMPTLY).until(run::isDone);
            RunResult result = run.get();
            assertThat(result.outcome()).isEqualTo(RunOutcome.ABORTED);
            assertThat(out.tokens).isEqualTo(3);
            assertThat(result.perf().generateTokens()).isEqualTo(3);
            assertThat(out.text()).isEqualTo(out.decodedRawBytes()).isNotEmpty();
            assertThat(session.isRunning()).isFalse();
            session.abort(); // idle: a no-op
            session.setSimulatorOption("stall_after_tokens", "");
            Collected next = new Collected();
            assertThat(session.run(RunRequest.prompt("next"), next).outcome())
                    .as("the next run is not poisoned by the abort").isEqualTo(RunOutcome.FINISHED);
            assertThat(next.tokens).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldAbortDuringPrefill(AbiVersion abi) throws Exception {
        try (RkllmSession session = SimFixture.rawSession(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            session.setSimulatorOption("prefill_tps", "40"); // 200 tokens: 5 s of prefill unless aborted
            Collected out = new Collected();
            CompletableFuture<RunResult> run = runAsync(session, RunRequest.prompt("x".repeat(200)), out);

            // The first abort may land before the runtime has started; repeating it is what a caller would do.
            await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(50)).until(() -> {
                session.abort();
                return run.isDone();
            });

            RunResult result = run.get();
            assertThat(result.outcome()).isEqualTo(RunOutcome.ABORTED);
            assertThat(out.tokens).isZero();
            assertThat(result.perf().prefillTokens()).isLessThan(200);
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldStopFromInsideTheSink(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            Collected aborted = Collected.actingAt(2, session::abort);
            Collected paused = Collected.actingAt(2, session::pause);

            RunResult abortResult = session.run(RunRequest.prompt("Write a long essay"), aborted);
            RunResult pauseResult = session.run(RunRequest.prompt("Write a long essay").withKeepHistory(true), paused);
            int held = session.kvCacheSize();

            assertThat(abortResult.outcome()).isEqualTo(RunOutcome.ABORTED);
            assertThat(aborted.tokens).isEqualTo(2);
            assertThat(pauseResult.outcome()).isEqualTo(RunOutcome.PAUSED);
            assertThat(paused.tokens).isEqualTo(2);
            assertThat(held).as("the paused run's KV state is kept").isEqualTo(pauseResult.promptTokens() + 2);
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldCloseWhileRunningOnAnotherThreadWithoutCrashOrHang(AbiVersion abi) throws Exception {
        RkllmSession session = stallingSession(abi);
        Collected out = new Collected();
        CompletableFuture<RunResult> run = runAsync(session, RunRequest.prompt("Write a long essay"), out);
        await().atMost(PROMPTLY).until(() -> out.tokens == 3);

        CompletableFuture<Void> close = CompletableFuture.runAsync(session::close, POOL);

        await().atMost(PROMPTLY).until(() -> run.isDone() && close.isDone());
        close.get();
        assertThat(run.get().outcome()).isEqualTo(RunOutcome.ABORTED);
        assertThat(session.isClosed()).isTrue();
        assertThat(session.isRunning()).isFalse();
        assertClosed(session);
        session.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldCloseFromInsideTheSinkAndDestroyWhenTheRunReturns(AbiVersion abi) {
        RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)));
        Collected out = Collected.actingAt(2, session::close);

        RunResult result = session.run(RunRequest.prompt("Write a long essay"), out);

        assertThat(result.outcome()).isEqualTo(RunOutcome.ABORTED);
        assertThat(out.tokens).isEqualTo(2);
        assertClosed(session);
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseEveryCallOnAClosedSession(AbiVersion abi) {
        RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)));
        session.close();

        assertClosed(session);
        session.abort(); // no-ops, no exceptions
        session.pause();
        session.close();
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRefuseASecondCallWhileARunIsInProgress(AbiVersion abi) throws Exception {
        try (RkllmSession session = stallingSession(abi)) {
            Collected out = new Collected();
            CompletableFuture<RunResult> run = runAsync(session, RunRequest.prompt("Write"), out);
            await().atMost(PROMPTLY).until(() -> out.tokens == 3);

            assertThatThrownBy(() -> session.run(RunRequest.prompt("second"), new Collected()))
                    .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.BUSY))
                    .hasMessageContaining("run is in progress");
            assertThatThrownBy(() -> session.loadPromptCache(dir.resolve("x.kvc")))
                    .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.BUSY));

            session.abort();
            assertThat(run.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.ABORTED);
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRethrowWhatTheSinkThrowsAndStayUsable(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            IllegalStateException boom = new IllegalStateException("sink failed");
            int[] calls = {0};

            assertThatThrownBy(() -> session.run(RunRequest.prompt("Hello"), (id, text) -> {
                calls[0]++;
                throw boom;
            })).isSameAs(boom);
            assertThat(calls[0]).as("no call after the failure").isEqualTo(1);
            assertThatThrownBy(() -> session.run(RunRequest.prompt("Hello"), (id, text) -> session.kvCacheSize()))
                    .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.BUSY))
                    .hasMessageContaining("inside the token sink");
            Collected out = new Collected();
            assertThat(session.run(RunRequest.prompt("Hello"), out).outcome()).isEqualTo(RunOutcome.FINISHED);
            assertThat(out.tokens).isPositive();
        }
    }

    private static void assertClosed(RkllmSession session) {
        assertThat(session.isClosed()).isTrue();
        assertThatThrownBy(() -> session.run(RunRequest.prompt("again"), new Collected()))
                .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.CLOSED));
        assertThatThrownBy(session::kvCacheSize)
                .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.CLOSED));
        assertThatThrownBy(() -> session.setChatTemplate("", "", ""))
                .isInstanceOfSatisfying(RkllmException.class, e -> assertThat(e.status()).isEqualTo(NativeStatus.CLOSED));
    }
}
