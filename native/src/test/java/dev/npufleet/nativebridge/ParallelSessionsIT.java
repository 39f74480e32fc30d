package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sessions are independent: two of them run at the same time on two threads and give what they give alone. */
// A stop that never lands would leave close() waiting forever: fail the test instead of hanging the build.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelSessionsIT {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2, SimFixture::daemon);

    @TempDir
    static Path dir;

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(AbiVersion.V1_3_0, AbiVersion.V1_3_0),
                Arguments.of(AbiVersion.V1_2_X, AbiVersion.V1_2_X),
                Arguments.of(AbiVersion.V1_3_0, AbiVersion.V1_2_X));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void shouldRunTwoSessionsAtOnceOnTwoThreads(AbiVersion abiA, AbiVersion abiB) throws Exception {
        List<String> prompts = List.of("First prompt: the weather", "Second prompt: the news");
        try (RkllmSession a = RkllmSession.open(SimFixture.config(abiA, SimFixture.tinyModel(dir)));
                RkllmSession b = RkllmSession.open(SimFixture.config(abiB, SimFixture.tinyModel(dir)).withBaseDomainId(1))) {
            Collected aloneA = new Collected();
            Collected aloneB = new Collected();
            a.run(RunRequest.prompt(prompts.get(0)), aloneA);
            b.run(RunRequest.prompt(prompts.get(1)), aloneB);

            // Each sink waits at its 2nd token for the other: only runs that overlap in time get past it.
            CyclicBarrier bothRunning = new CyclicBarrier(2);
            Collected togetherA = meetingAt(2, bothRunning);
            Collected togetherB = meetingAt(2, bothRunning);
            CompletableFuture<RunResult> runA =
                    CompletableFuture.supplyAsync(() -> a.run(RunRequest.prompt(prompts.get(0)), togetherA), POOL);
            CompletableFuture<RunResult> runB =
                    CompletableFuture.supplyAsync(() -> b.run(RunRequest.prompt(prompts.get(1)), togetherB), POOL);

            assertThat(runA.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.FINISHED);
            assertThat(runB.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(RunOutcome.FINISHED);
            assertThat(togetherA.tokenIds()).isEqualTo(aloneA.tokenIds());
            assertThat(togetherB.tokenIds()).isEqualTo(aloneB.tokenIds());
        }
    }

    private static Collected meetingAt(int token, CyclicBarrier barrier) {
        return Collected.actingAt(token, () -> {
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other session's run did not overlap with this one", e);
            }
        });
    }
}
